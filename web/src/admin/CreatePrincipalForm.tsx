import { useState, type FormEvent } from "react";
import type { NewPrincipal } from "../api/admin";
import { useCreatePrincipal } from "../api/adminHooks";
import { readableError } from "../api/errors";
import { ROLES } from "./roles";

export function CreatePrincipalForm({ onCreated }: { onCreated: (created: NewPrincipal) => void }) {
  const [name, setName] = useState("");
  const [roles, setRoles] = useState<string[]>(["viewer"]);
  const create = useCreatePrincipal();

  function toggle(role: string) {
    setRoles(roles.includes(role) ? roles.filter((r) => r !== role) : [...roles, role]);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      { name: name.trim(), roles },
      {
        onSuccess: (created) => {
          setName("");
          setRoles(["viewer"]);
          onCreated(created);
        },
      },
    );
  }

  return (
    <form className="inline-form adm-form" onSubmit={onSubmit} data-testid="create-principal">
      <label className="adm-field">
        <span>Name</span>
        <input data-testid="create-principal-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <fieldset className="adm-roles">
        <legend>Roles</legend>
        {ROLES.map((role) => (
          <label key={role} className="check">
            <input type="checkbox" data-testid={`create-principal-role-${role}`} checked={roles.includes(role)} onChange={() => toggle(role)} />
            {role}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button button-primary" data-testid="create-principal-submit" disabled={!name.trim() || create.isPending}>
        Create principal
      </button>
      {create.isError && (
        <p role="alert" className="error" data-testid="create-principal-error">
          {readableError(create.error)}
        </p>
      )}
    </form>
  );
}
