"""Who may do what: the casbin enforcer, principals and tokens, the audit log (docs/ARCHITECTURE.md §2)."""
