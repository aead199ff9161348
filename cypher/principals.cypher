// Principals and their bearer tokens. Only a SHA-256 of a token is stored.

// name: principal_by_token_hash
MATCH (p:Principal {tokenHash: $tokenHash})
RETURN p.name AS name, p.roles AS roles, p.active AS active, p.tokenHash AS tokenHash

// name: principal_by_name
MATCH (p:Principal {name: $name})
RETURN p.name AS name, p.roles AS roles, p.active AS active

// name: create_principal
CREATE (p:Principal {name: $name, roles: $roles, tokenHash: $tokenHash, active: true,
                     createdAt: $now, updatedAt: $now})
RETURN p.name AS name, p.roles AS roles, p.active AS active

// name: ensure_bootstrap_admin
// The bootstrap admin from PROVGRAPH_ADMIN_TOKEN: created, or its token replaced when the variable
// changes, always keeping the admin role and active.
MERGE (p:Principal {name: $name})
  ON CREATE SET p.createdAt = $now, p.roles = ['admin']
SET p.tokenHash = $tokenHash, p.active = true, p.updatedAt = $now,
    p.roles = CASE WHEN 'admin' IN p.roles THEN p.roles ELSE p.roles + 'admin' END
RETURN p.name AS name, p.roles AS roles, p.active AS active

// name: count_admins
MATCH (p:Principal)
WHERE 'admin' IN p.roles AND p.active
RETURN count(p) AS admins

// name: set_principal_token
MATCH (p:Principal {name: $name})
SET p.tokenHash = $tokenHash, p.updatedAt = $now
RETURN p.name AS name, p.roles AS roles, p.active AS active

// name: principals_page
// Principals by name, one page plus the total (never their token hashes).
MATCH (p:Principal)
WITH p ORDER BY p.name
WITH collect(p {.name, .roles, .active, .createdAt}) AS found
RETURN size(found) AS total, found[$skip..$skip + $limit] AS page
