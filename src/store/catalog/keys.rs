//! API keys in the catalog: stored as hashes, found by prefix, revoked by id.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Catalog, now};
use crate::error::{Error, Result};

/// A stored API key (hash only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Id.
    pub id: i64,
    /// The key's public prefix (identifies it in lists and logs).
    pub prefix: String,
    /// blake3 of the whole key.
    #[serde(skip_serializing)]
    pub hash: String,
    /// `admin`, `submitter` or `reader`.
    pub role: String,
    /// The institution a submitter key is bound to.
    pub institution: Option<String>,
    /// What the key is for.
    pub label: String,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

impl Catalog {
    /// Stores a new API key (its hash, never the key).
    pub fn insert_key(
        &self,
        prefix: &str,
        hash: &str,
        role: &str,
        institution: Option<&str>,
        label: &str,
    ) -> Result<KeyRecord> {
        self.conn.execute(
            "INSERT INTO api_keys(prefix, hash, role, institution, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![prefix, hash, role, institution, label, now()],
        )?;
        self.key_where("id = ?1", params![self.conn.last_insert_rowid()])?
            .pop()
            .ok_or_else(|| Error::Corrupt("a key just stored is missing".into()))
    }

    /// Returns the key with this prefix, revoked or not.
    pub fn key_by_prefix(&self, prefix: &str) -> Result<Option<KeyRecord>> {
        Ok(self.key_where("prefix = ?1", params![prefix])?.pop())
    }

    /// Returns every key.
    pub fn keys(&self) -> Result<Vec<KeyRecord>> {
        self.key_where("1 = 1", params![])
    }

    /// Revokes a key by id; returns whether an active key was revoked.
    pub fn revoke_key(&self, id: i64) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now()],
        )?;
        Ok(changed == 1)
    }

    fn key_where(
        &self,
        condition: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<KeyRecord>> {
        let sql = format!(
            "SELECT id, prefix, hash, role, institution, label, created_at, revoked_at FROM api_keys WHERE {condition} ORDER BY id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(values, |r| {
            Ok(KeyRecord {
                id: r.get(0)?,
                prefix: r.get(1)?,
                hash: r.get(2)?,
                role: r.get(3)?,
                institution: r.get(4)?,
                label: r.get(5)?,
                created_at: r.get(6)?,
                revoked_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
