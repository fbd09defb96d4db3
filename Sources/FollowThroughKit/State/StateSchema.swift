import Foundation
import FollowThroughCore
import GRDB

/// The state file's tables, as versioned migrations. Never edit a shipped migration: add a new one.
enum StateSchema {
    /// SQL condition on a `message` row: it may still be sent (waiting, or failed for now, not refused for good).
    static let deliverable = "(state = 'pending' OR (state = 'failed' AND permanent = 0))"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    as_of TEXT NOT NULL,                -- YYYY-MM-DD
                    started_at INTEGER NOT NULL,        -- seconds since the epoch
                    finished_at INTEGER,                -- NULL: still going, or killed
                    pid INTEGER NOT NULL,
                    resend INTEGER NOT NULL DEFAULT 0,
                    stored INTEGER NOT NULL DEFAULT 0,  -- messages rendered and stored by this run
                    delivered INTEGER NOT NULL DEFAULT 0,
                    failed INTEGER NOT NULL DEFAULT 0,
                    pending INTEGER NOT NULL DEFAULT 0, -- still waiting when the run finished
                    exit_status INTEGER,
                    summary TEXT                        -- the run's JSON summary
                );
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT NOT NULL,           -- the Message-ID header, without <>
                    as_of TEXT NOT NULL,
                    kind TEXT NOT NULL,                 -- pre-visit, stale-digest, lead-update
                    recipient_id TEXT NOT NULL,         -- person id, or sales_inbox
                    recipient TEXT NOT NULL,            -- envelope recipient address
                    to_header TEXT NOT NULL,            -- the To: as shown, e.g. Alice Ng <alice@example.com>
                    envelope_from TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    data BLOB NOT NULL,                 -- the exact bytes to send
                    generation INTEGER NOT NULL DEFAULT 0, -- counts up with --resend
                    state TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'sent', 'failed', 'superseded', 'expired')),
                    permanent INTEGER NOT NULL DEFAULT 0,  -- failed with a permanent (5xx) reply
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_reply TEXT,
                    created_run INTEGER NOT NULL REFERENCES run(id),
                    created_at INTEGER NOT NULL,
                    sent_at INTEGER,
                    UNIQUE (as_of, kind, recipient_id, generation)
                );
                CREATE INDEX message_state ON message(state);
                CREATE INDEX message_recipient ON message(kind, recipient_id);
                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message INTEGER NOT NULL REFERENCES message(id),
                    run INTEGER NOT NULL REFERENCES run(id),
                    at INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('delivered', 'failed')),
                    permanent INTEGER NOT NULL,
                    attempts INTEGER NOT NULL,
                    reply TEXT NOT NULL
                );
                CREATE INDEX delivery_message ON delivery(message);
                """)
        }
        migrator.registerMigration("v2-follow-up") { db in
            try db.execute(sql: """
                CREATE TABLE message_item (             -- recommendations a message lists in full
                    message INTEGER NOT NULL REFERENCES message(id),
                    recommendation_id TEXT NOT NULL,
                    PRIMARY KEY (message, recommendation_id)
                ) WITHOUT ROWID;
                CREATE INDEX message_item_recommendation ON message_item(recommendation_id);
                CREATE TABLE recommendation_status (    -- last status seen in the exports
                    recommendation_id TEXT PRIMARY KEY,
                    status TEXT NOT NULL,
                    seen_on TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE status_change (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    recommendation_id TEXT NOT NULL,
                    recommended_by TEXT NOT NULL,
                    from_status TEXT NOT NULL,
                    to_status TEXT NOT NULL,
                    observed_on TEXT NOT NULL,
                    description TEXT NOT NULL,
                    site_label TEXT NOT NULL,
                    quote_id TEXT NOT NULL,
                    carrier INTEGER REFERENCES message(id), -- the undelivered message that tells it
                    announced_at INTEGER                    -- set when the carrier is delivered
                );
                CREATE INDEX status_change_open ON status_change(recommended_by) WHERE announced_at IS NULL;
                """)
        }
        migrator.registerMigration("v3-status-snapshot") { db in
            // One row holding every recommendation's status (see StatusSnapshot): at 1M work orders the table of
            // ~250k rows cost more to write than the rest of the night's work.
            try db.execute(sql: """
                CREATE TABLE status_snapshot (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    taken_on TEXT NOT NULL,             -- as-of date of the run that wrote it
                    count INTEGER NOT NULL,             -- recommendations in it
                    data BLOB NOT NULL                  -- StatusSnapshot.encoded()
                );
                """)
            var snapshot = StatusSnapshot()
            var takenOn: String?
            for row in try Row.fetchAll(db, sql: "SELECT recommendation_id, status, seen_on FROM recommendation_status") {
                snapshot[row[0]] = TrackedStatus(rawValue: row[1]) ?? .open
                takenOn = max(takenOn ?? "", row[2] as String)
            }
            if let takenOn {
                try db.execute(sql: "INSERT INTO status_snapshot (id, taken_on, count, data) VALUES (1, ?, ?, ?)",
                               arguments: [takenOn, snapshot.count, Data(snapshot.encoded())])
            }
            try db.execute(sql: "DROP TABLE recommendation_status")
        }
        migrator.registerMigration("v4-message-body") { db in
            // Bodies (~40 KB each at 1M work orders) in a table of their own: each delivery outcome rewrote its message
            // row, blob and all, and listing what to deliver read every body.
            try db.execute(sql: """
                CREATE TABLE message_body (
                    message INTEGER PRIMARY KEY REFERENCES message(id),
                    data BLOB NOT NULL                  -- the exact bytes to send
                );
                INSERT INTO message_body (message, data) SELECT id, data FROM message;
                ALTER TABLE message DROP COLUMN data;
                """)
        }
        migrator.registerMigration("v5-status-snapshot-parts") { db in
            // The snapshot in pieces (see StatusLedger): one blob of 14.6 MB at 1.2M recommendations made SQLite
            // hold ~26 MB more at the run's memory peak, and was read back whole before decoding.
            try db.execute(sql: """
                CREATE TABLE status_snapshot_part (
                    part INTEGER PRIMARY KEY,           -- 0, 1, 2, …: the order the pieces are read in
                    data BLOB NOT NULL                  -- zstd frame of one StatusSnapshot chunk (forEachChunk)
                );
                """)
            // status_snapshot keeps taken_on and count; its data becomes StatusLedger.piecesMarker. A damaged
            // single blob is left as it is: reading it says so, as it did before.
            let legacy = try Data.fetchOne(db, sql: "SELECT data FROM status_snapshot WHERE id = 1")
                .flatMap { data in data.withUnsafeBytes { StatusSnapshot(encoded: $0) } }
            if let legacy, let takenOn = try String.fetchOne(db, sql: "SELECT taken_on FROM status_snapshot WHERE id = 1") {
                try StatusLedger.write(db, legacy, takenOn: takenOn)
            }
        }
        return migrator
    }
}
