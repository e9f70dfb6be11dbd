-- Documents, their immutable versions (bytes in the blob store, named by
-- SHA-256), who may read confidential ones, uploads in progress, QR codes.
CREATE TABLE documents (
  id             TEXT PRIMARY KEY,
  meeting_id     TEXT NOT NULL REFERENCES meetings(id),
  agenda_item_id TEXT NOT NULL DEFAULT '',
  title          TEXT NOT NULL,
  confidential   INTEGER NOT NULL DEFAULT 0,
  create_time    INTEGER NOT NULL
);
CREATE INDEX documents_by_meeting ON documents(meeting_id, id);

CREATE TABLE document_versions (
  document_id  TEXT NOT NULL REFERENCES documents(id),
  number       INTEGER NOT NULL,
  sha256       BLOB NOT NULL,
  size_bytes   INTEGER NOT NULL,
  page_count   INTEGER NOT NULL,
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  signed       INTEGER NOT NULL,
  uploaded_by  TEXT NOT NULL REFERENCES users(id),
  create_time  INTEGER NOT NULL,
  PRIMARY KEY (document_id, number)
) WITHOUT ROWID;

CREATE TABLE document_readers (
  document_id TEXT NOT NULL REFERENCES documents(id),
  user_id     TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (document_id, user_id)
) WITHOUT ROWID;

CREATE TABLE uploads (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users(id),
  meeting_id     TEXT NOT NULL REFERENCES meetings(id),
  agenda_item_id TEXT NOT NULL DEFAULT '',
  document_id    TEXT NOT NULL DEFAULT '',
  title          TEXT NOT NULL,
  filename       TEXT NOT NULL,
  size_bytes     INTEGER NOT NULL,
  sha256         BLOB NOT NULL,
  create_time    INTEGER NOT NULL
);

CREATE TABLE qr_codes (
  code           TEXT PRIMARY KEY,
  meeting_id     TEXT NOT NULL REFERENCES meetings(id),
  agenda_item_id TEXT NOT NULL DEFAULT '',
  document_id    TEXT NOT NULL DEFAULT '',
  sha256         BLOB NOT NULL DEFAULT x'',
  UNIQUE (meeting_id, agenda_item_id, document_id, sha256)
);
