-- Minutes, signature requests, server-held signing keys and the
-- organisation CA (issue 6).

-- The CA's key lives in its own PKCS#11 token; the server holds that token's
-- PINs (a production HSM would authenticate the server its own way).
CREATE TABLE signing_ca (
  organization_id TEXT PRIMARY KEY REFERENCES organizations(id),
  token_label     TEXT NOT NULL UNIQUE,
  token_pin       TEXT NOT NULL,
  so_pin          TEXT NOT NULL,
  certificate_der BLOB NOT NULL,
  create_time     INTEGER NOT NULL
);

-- One token per signer; the user PIN is the signer's alone and never
-- stored. The SO PIN lets an admin reset a forgotten or locked PIN.
CREATE TABLE signing_keys (
  user_id     TEXT PRIMARY KEY REFERENCES users(id),
  token_label TEXT NOT NULL UNIQUE,
  so_pin      TEXT NOT NULL,
  failed_pins INTEGER NOT NULL DEFAULT 0 CHECK (failed_pins >= 0),
  chain_pem   TEXT NOT NULL DEFAULT '',
  body        BLOB NOT NULL  -- hopso.v1.SigningKey
);

CREATE TABLE minutes (
  meeting_id TEXT PRIMARY KEY REFERENCES meetings(id),
  body       BLOB NOT NULL  -- hopso.v1.Minutes without signatures
);

-- Where each signature goes is fixed when it is requested (the draft's
-- layout), in hundredths of a PDF point.
CREATE TABLE signature_requests (
  id             TEXT PRIMARY KEY,
  meeting_id     TEXT NOT NULL REFERENCES meetings(id),
  signer_user_id TEXT NOT NULL REFERENCES users(id),
  ord            INTEGER NOT NULL CHECK (ord >= 1),
  state          INTEGER NOT NULL,
  box_page       INTEGER NOT NULL,
  box_x          INTEGER NOT NULL,
  box_y          INTEGER NOT NULL,
  box_width      INTEGER NOT NULL,
  box_height     INTEGER NOT NULL,
  body           BLOB NOT NULL,  -- hopso.v1.SignatureRequest
  UNIQUE (meeting_id, ord)
);
CREATE INDEX signature_requests_by_signer ON signature_requests(signer_user_id);
