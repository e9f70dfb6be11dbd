-- Annotations on documents, the page layout of each version (so annotations
-- can follow a new version that keeps its pages), one-time pairing codes for
-- tablets, and QR codes that open a document at a page.

-- SHA-256 of the versions' page sizes and rotations (see pdf::ScreenReport);
-- empty for versions stored before it was recorded.
ALTER TABLE document_versions ADD COLUMN page_geometry BLOB NOT NULL DEFAULT x'';

CREATE TABLE annotations (
  id          TEXT PRIMARY KEY,  -- chosen by the client
  document_id TEXT NOT NULL REFERENCES documents(id),
  version     INTEGER NOT NULL,
  author_id   TEXT NOT NULL REFERENCES users(id),
  shared      INTEGER NOT NULL,
  deleted     INTEGER NOT NULL,
  revision    INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  -- The hopso.v1.Annotation as saved (page, kind, geometry, text), without
  -- the fields kept in the columns above.
  body        BLOB NOT NULL
);
CREATE INDEX annotations_by_document ON annotations(document_id, version);

CREATE TABLE pairing_codes (
  code_hash   BLOB PRIMARY KEY,  -- SHA-256 of the code; the code itself is never kept
  user_id     TEXT NOT NULL REFERENCES users(id),
  created_by  TEXT NOT NULL REFERENCES users(id),
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  used_time   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- A QR code may name a page; codes for different pages of one version differ.
CREATE TABLE qr_codes_paged (
  code           TEXT PRIMARY KEY,
  meeting_id     TEXT NOT NULL REFERENCES meetings(id),
  agenda_item_id TEXT NOT NULL DEFAULT '',
  document_id    TEXT NOT NULL DEFAULT '',
  sha256         BLOB NOT NULL DEFAULT x'',
  page           INTEGER NOT NULL DEFAULT 0,
  UNIQUE (meeting_id, agenda_item_id, document_id, sha256, page)
);
INSERT INTO qr_codes_paged (code, meeting_id, agenda_item_id, document_id, sha256)
  SELECT code, meeting_id, agenda_item_id, document_id, sha256 FROM qr_codes;
DROP TABLE qr_codes;
ALTER TABLE qr_codes_paged RENAME TO qr_codes;
