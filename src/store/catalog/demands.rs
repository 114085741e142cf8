//! Enterprise demands and the aliases mined from the library's text, in the catalog.

use rusqlite::params;
use serde::Serialize;

use super::{Catalog, now};
use crate::error::{Error, Result};

/// An alias the library's text defines, summed over batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinedAliasRecord {
    /// The full name.
    pub full: String,
    /// The abbreviation or alias.
    pub short: String,
    /// Patents whose text defines the pair.
    pub patents: u32,
    /// Some of those patents' application numbers.
    pub examples: Vec<String>,
}

impl Catalog {
    /// Records the aliases one batch's text defines (replacing what the batch had).
    pub fn put_mined_aliases(&mut self, batch_id: i64, aliases: &[MinedAliasRecord]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM mined_aliases WHERE batch_id = ?1", [batch_id])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO mined_aliases(batch_id, full, short, patents, examples) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for alias in aliases {
                insert.execute(params![
                    batch_id,
                    alias.full,
                    alias.short,
                    alias.patents,
                    alias.examples.join(";")
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets every mined alias (before a reindex mines them again).
    pub fn clear_mined_aliases(&self) -> Result<()> {
        self.conn.execute("DELETE FROM mined_aliases", [])?;
        Ok(())
    }

    /// The mined aliases summed over batches, the most often defined first.
    pub fn mined_aliases(&self) -> Result<Vec<MinedAliasRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT full, short, SUM(patents), GROUP_CONCAT(examples, ';') FROM mined_aliases
             GROUP BY full, short ORDER BY SUM(patents) DESC, full, short",
        )?;
        let rows = statement.query_map([], |r| {
            let examples: String = r.get(3)?;
            Ok(MinedAliasRecord {
                full: r.get(0)?,
                short: r.get(1)?,
                patents: r.get::<_, i64>(2)?.clamp(0, i64::from(u32::MAX)) as u32,
                examples: examples
                    .split(';')
                    .filter(|e| !e.is_empty())
                    .take(5)
                    .map(str::to_string)
                    .collect(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stores a demand.
    pub fn create_demand(&self, demand: &crate::model::NewDemand) -> Result<crate::model::Demand> {
        let created_at = now();
        self.conn.execute(
            "INSERT INTO demands(title, description, industry, region, contact, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![demand.title.trim(), demand.description.trim(), demand.industry, demand.region, demand.contact, created_at],
        )?;
        self.demand(self.conn.last_insert_rowid())
    }

    /// Returns one demand.
    pub fn demand(&self, id: i64) -> Result<crate::model::Demand> {
        self.demands_where("id = ?1", params![id])?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "demand",
                key: id.to_string(),
            })
    }

    /// Returns every demand, oldest first.
    pub fn demands(&self) -> Result<Vec<crate::model::Demand>> {
        self.demands_where("1 = 1", params![])
    }

    fn demands_where(
        &self,
        condition: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<crate::model::Demand>> {
        let sql = format!(
            "SELECT id, title, description, industry, region, contact, created_at FROM demands WHERE {condition} ORDER BY id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(values, |r| {
            Ok(crate::model::Demand {
                id: r.get(0)?,
                fields: crate::model::NewDemand {
                    title: r.get(1)?,
                    description: r.get(2)?,
                    industry: r.get(3)?,
                    region: r.get(4)?,
                    contact: r.get(5)?,
                },
                created_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
