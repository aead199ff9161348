import { useState, type FormEvent } from "react";
import { useDefineClassification } from "../api/adminHooks";
import { readableError } from "../api/errors";
import { useClassificationDefs } from "../api/hooks";
import { Loading, QueryError, Section } from "../components/common";
import { ClassificationDefsTable } from "./ClassificationDefsTable";

function DefineForm() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [attributes, setAttributes] = useState("");
  const [propagate, setPropagate] = useState(true);
  const [restricted, setRestricted] = useState(false);
  const define = useDefineClassification();

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    define.mutate(
      {
        name: name.trim(),
        description: description.trim() || null,
        attributes: attributes.split(",").map((a) => a.trim()).filter(Boolean),
        propagate,
        restricted,
      },
      { onSuccess: () => setName("") },
    );
  }

  return (
    <form className="inline-form adm-form" onSubmit={onSubmit} data-testid="define-classification">
      <label className="adm-field">
        <span>Name</span>
        <input data-testid="define-name" value={name} placeholder="UPPER_SNAKE" onChange={(e) => setName(e.target.value)} required />
      </label>
      <label className="adm-field">
        <span>Description</span>
        <input data-testid="define-description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label className="adm-field">
        <span>Attributes</span>
        <input data-testid="define-attributes" value={attributes} placeholder="comma, separated" onChange={(e) => setAttributes(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" data-testid="define-propagate" checked={propagate} onChange={(e) => setPropagate(e.target.checked)} />
        Propagates
      </label>
      <label className="check">
        <input type="checkbox" data-testid="define-restricted" checked={restricted} onChange={(e) => setRestricted(e.target.checked)} />
        Restricted
      </label>
      <button type="submit" className="button button-primary" data-testid="define-submit" disabled={!name.trim() || define.isPending}>
        Define
      </button>
      {define.isError && (
        <p role="alert" className="error" data-testid="define-error">
          {readableError(define.error)}
        </p>
      )}
    </form>
  );
}

export function ClassificationDefsSection({ mayDefine }: { mayDefine: boolean }) {
  const defs = useClassificationDefs();
  return (
    <Section title="Classification definitions" testId="classification-definitions">
      {defs.isPending && <Loading />}
      {defs.isError && <QueryError error={defs.error} />}
      {defs.data && <ClassificationDefsTable defs={defs.data} testId="definitions-list" />}
      {mayDefine && <DefineForm />}
    </Section>
  );
}
