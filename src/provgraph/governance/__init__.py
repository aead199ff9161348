"""Who may do what: the casbin enforcer, principals and tokens, the audit log (DESIGN 2)."""
