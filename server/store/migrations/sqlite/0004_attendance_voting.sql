-- Attendance, proxies, polls with named and secret ballots, and requests to
-- speak. The rules that must hold whatever a handler checked (one proxy per
-- giver, no chains, a holder's limit, one ballot per voting right, secret
-- voter rows without choices or times) are enforced here.

-- A meeting's attendance rules and the secret its room codes are made from.
CREATE TABLE meeting_rules (
  meeting_id               TEXT PRIMARY KEY REFERENCES meetings(id),
  room_secret              BLOB NOT NULL CHECK (length(room_secret) = 32),
  -- Quorum: more than (strict) or at least numerator/denominator of members.
  quorum_numerator         INTEGER NOT NULL,
  quorum_denominator       INTEGER NOT NULL,
  quorum_strict            INTEGER NOT NULL,
  max_proxies_per_holder   INTEGER NOT NULL CHECK (max_proxies_per_holder >= 0),
  proxies_count_for_quorum INTEGER NOT NULL,
  speaking_limit_seconds   INTEGER NOT NULL CHECK (speaking_limit_seconds >= 0),
  CHECK (quorum_denominator > 0 AND quorum_numerator BETWEEN 0 AND quorum_denominator)
) WITHOUT ROWID;
-- Meetings made before this migration get the defaults: more than 1/2, one
-- proxy per holder, proxies not counted for quorum, 300 s to speak.
INSERT INTO meeting_rules (meeting_id, room_secret, quorum_numerator, quorum_denominator,
                           quorum_strict, max_proxies_per_holder, proxies_count_for_quorum,
                           speaking_limit_seconds)
  SELECT id, randomblob(32), 1, 2, 1, 1, 0, 300 FROM meetings;

CREATE TABLE attendance (
  meeting_id  TEXT NOT NULL REFERENCES meetings(id),
  user_id     TEXT NOT NULL REFERENCES users(id),
  status      INTEGER NOT NULL,
  late        INTEGER NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  method      INTEGER NOT NULL,
  arrive_time INTEGER NOT NULL DEFAULT 0,
  leave_time  INTEGER NOT NULL DEFAULT 0,
  recorded_by TEXT NOT NULL,
  update_time INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;

-- Active proxies: the key makes it one per giver.
CREATE TABLE proxies (
  meeting_id  TEXT NOT NULL REFERENCES meetings(id),
  giver_id    TEXT NOT NULL REFERENCES users(id),
  holder_id   TEXT NOT NULL REFERENCES users(id),
  create_time INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  PRIMARY KEY (meeting_id, giver_id),
  CHECK (giver_id != holder_id)
) WITHOUT ROWID;
CREATE INDEX proxies_by_holder ON proxies(meeting_id, holder_id);

-- The messages below reach the caller as FAILED_PRECONDITION.
CREATE TRIGGER proxies_no_chain_holder BEFORE INSERT ON proxies
WHEN EXISTS (SELECT 1 FROM proxies WHERE meeting_id = NEW.meeting_id AND giver_id = NEW.holder_id)
BEGIN
  SELECT RAISE(ABORT,
    'the holder has given their own proxy to someone else; a proxy cannot be passed on');
END;
CREATE TRIGGER proxies_no_chain_giver BEFORE INSERT ON proxies
WHEN EXISTS (SELECT 1 FROM proxies WHERE meeting_id = NEW.meeting_id AND holder_id = NEW.giver_id)
BEGIN
  SELECT RAISE(ABORT, 'the giver holds a proxy from someone else; a proxy cannot be passed on');
END;
CREATE TRIGGER proxies_holder_limit BEFORE INSERT ON proxies
WHEN (SELECT COUNT(*) FROM proxies WHERE meeting_id = NEW.meeting_id AND holder_id = NEW.holder_id)
     >= (SELECT max_proxies_per_holder FROM meeting_rules WHERE meeting_id = NEW.meeting_id)
BEGIN
  SELECT RAISE(ABORT, 'the holder already holds as many proxies as the meeting rules allow');
END;
-- A meeting without rules is a bug; refuse rather than allow any number.
CREATE TRIGGER proxies_need_rules BEFORE INSERT ON proxies
WHEN NOT EXISTS (SELECT 1 FROM meeting_rules WHERE meeting_id = NEW.meeting_id)
BEGIN
  SELECT RAISE(ABORT, 'the meeting has no attendance rules');
END;
-- Changing a row in place would skip the checks above.
CREATE TRIGGER proxies_not_updated BEFORE UPDATE ON proxies
BEGIN
  SELECT RAISE(ABORT, 'a proxy is not changed in place: revoke it and give a new one');
END;

-- `body` is the serialized hopso.v1.Poll without `voted` and `counts`;
-- `secret` repeats its secrecy for the trigger on poll_voters.
CREATE TABLE polls (
  id             TEXT PRIMARY KEY,
  meeting_id     TEXT NOT NULL REFERENCES meetings(id),
  agenda_item_id TEXT NOT NULL DEFAULT '',
  state          INTEGER NOT NULL,
  secret         INTEGER NOT NULL,
  create_time    INTEGER NOT NULL,
  body           BLOB NOT NULL
);
CREATE INDEX polls_by_meeting ON polls(meeting_id, create_time);

-- Voting rights fixed when a poll opens. The unique index both finds the
-- rights a caster holds and is the parent key of poll_voters.
CREATE TABLE poll_rights (
  poll_id      TEXT NOT NULL REFERENCES polls(id),
  principal_id TEXT NOT NULL REFERENCES users(id),
  caster_id    TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (poll_id, principal_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX poll_rights_by_caster ON poll_rights(poll_id, caster_id, principal_id);

-- Rights that have been used: one row per right (the key), only for a right
-- that exists and by its caster (the foreign key). Secret polls: no choices,
-- no time, and no rowid or other counter that would give away the order.
CREATE TABLE poll_voters (
  poll_id      TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  caster_id    TEXT NOT NULL,
  ballot_ref   BLOB NOT NULL,
  choices      TEXT,
  cast_time    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (poll_id, principal_id),
  FOREIGN KEY (poll_id, principal_id, caster_id)
    REFERENCES poll_rights(poll_id, principal_id, caster_id)
) WITHOUT ROWID;
CREATE TRIGGER poll_voters_secret_insert BEFORE INSERT ON poll_voters
WHEN (SELECT secret FROM polls WHERE id = NEW.poll_id) AND
     (NEW.choices IS NOT NULL OR NEW.cast_time != 0)
BEGIN
  SELECT RAISE(ABORT, 'a secret poll keeps neither choices nor times with its voters');
END;
CREATE TRIGGER poll_voters_secret_update BEFORE UPDATE ON poll_voters
WHEN (SELECT secret FROM polls WHERE id = NEW.poll_id) AND
     (NEW.choices IS NOT NULL OR NEW.cast_time != 0)
BEGIN
  SELECT RAISE(ABORT, 'a secret poll keeps neither choices nor times with its voters');
END;

-- What secret ballots said, with nothing about who or when: the key is 16
-- random bytes, so rows sit in an order that follows nothing.
CREATE TABLE secret_ballots (
  poll_id    TEXT NOT NULL REFERENCES polls(id),
  ballot_key BLOB NOT NULL,
  receipt    TEXT NOT NULL,
  choices    TEXT NOT NULL,
  PRIMARY KEY (poll_id, ballot_key),
  UNIQUE (poll_id, receipt)
) WITHOUT ROWID;

-- `body` is the serialized hopso.v1.SpeakRequest without full_name.
CREATE TABLE speak_requests (
  id             TEXT PRIMARY KEY,
  meeting_id     TEXT NOT NULL REFERENCES meetings(id),
  agenda_item_id TEXT NOT NULL DEFAULT '',
  user_id        TEXT NOT NULL REFERENCES users(id),
  state          INTEGER NOT NULL,
  request_time   INTEGER NOT NULL,
  body           BLOB NOT NULL
);
CREATE INDEX speak_requests_by_item ON speak_requests(meeting_id, agenda_item_id);
