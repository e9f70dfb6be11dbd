-- Accounts, meetings, agendas, participants and the meeting event log.
CREATE TABLE organizations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  create_time INTEGER NOT NULL
);

CREATE TABLE users (
  id              TEXT PRIMARY KEY,
  -- NULL for system administrators, who belong to no organisation.
  organization_id TEXT REFERENCES organizations(id),
  username        TEXT NOT NULL UNIQUE,
  full_name       TEXT NOT NULL,
  title           TEXT NOT NULL DEFAULT '',
  unit            TEXT NOT NULL DEFAULT '',
  phone           TEXT NOT NULL DEFAULT '',
  email           TEXT NOT NULL DEFAULT '',
  role            INTEGER NOT NULL,
  password_hash   TEXT NOT NULL DEFAULT '',
  failed_logins   INTEGER NOT NULL DEFAULT 0,
  locked_until    INTEGER NOT NULL DEFAULT 0,
  create_time     INTEGER NOT NULL
);
CREATE INDEX users_by_organization ON users(organization_id, id);

CREATE TABLE sessions (
  token_hash  BLOB PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE meetings (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  title           TEXT NOT NULL,
  place           TEXT NOT NULL DEFAULT '',
  start_time      INTEGER NOT NULL,
  end_time        INTEGER NOT NULL,
  state           INTEGER NOT NULL,
  current_item_id TEXT NOT NULL DEFAULT '',
  created_by      TEXT NOT NULL REFERENCES users(id),
  create_time     INTEGER NOT NULL,
  -- The head of the event chain, so that losing the newest events shows.
  last_event_seq  INTEGER NOT NULL DEFAULT 0,
  last_event_hash BLOB NOT NULL DEFAULT x''
);

CREATE TABLE participants (
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  user_id    TEXT NOT NULL REFERENCES users(id),
  role       INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;
CREATE INDEX participants_by_user ON participants(user_id, meeting_id);

CREATE TABLE agenda_items (
  id              TEXT PRIMARY KEY,
  meeting_id      TEXT NOT NULL REFERENCES meetings(id),
  parent_id       TEXT NOT NULL DEFAULT '',
  position        INTEGER NOT NULL,
  title           TEXT NOT NULL,
  presenter       TEXT NOT NULL DEFAULT '',
  planned_minutes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agenda_items_by_meeting ON agenda_items(meeting_id);

CREATE TABLE meeting_events (
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  seq        INTEGER NOT NULL,
  time       INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  body       BLOB NOT NULL,
  hash       BLOB NOT NULL,
  PRIMARY KEY (meeting_id, seq)
) WITHOUT ROWID;
