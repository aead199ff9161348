import { NavLink } from "react-router";
import type { Entity } from "../api/types";
import { TypeChip, entityPath } from "./common";

/** The entity's name and type above its three tabs; shared by the overview, lineage and impact pages. */
export function EntityHeader({ entity }: { entity: Entity }) {
  return (
    <div className="entity-header">
      <div className="entity-title">
        <span data-testid="entity-type">
          <TypeChip type={entity.type} />
        </span>
        <h1 data-testid="entity-name">{entity.name}</h1>
      </div>
      <div className="mono muted" data-testid="entity-qualified-name">
        {entity.qualifiedName}
      </div>
      <nav className="tabs" role="tablist" aria-label="Entity views">
        <NavLink end role="tab" to={entityPath(entity.id)}>
          Overview
        </NavLink>
        <NavLink role="tab" to={entityPath(entity.id, "lineage")}>
          Lineage
        </NavLink>
        <NavLink role="tab" to={entityPath(entity.id, "impact")}>
          Impact
        </NavLink>
      </nav>
    </div>
  );
}
