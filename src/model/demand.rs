//! `Demand`: an enterprise's technology demand (企业技术需求), the other side of matchmaking.

use serde::{Deserialize, Serialize};

/// A demand as submitted (not yet stored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDemand {
    /// Short name of the need (需求名称).
    pub title: String,
    /// What the enterprise needs, in its own words.
    #[serde(default)]
    pub description: String,
    /// One of the ten industries, if the enterprise names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Region (e.g. 北京市海淀区).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Contact (person, phone, e-mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// A stored demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Demand {
    /// Id.
    pub id: i64,
    /// The demand's fields.
    #[serde(flatten)]
    pub fields: NewDemand,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl NewDemand {
    /// Checks the fields; the error names the field at fault.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        let title = self.title.trim();
        if !title.chars().any(|c| !c.is_whitespace() && !c.is_control()) {
            return Err(("title", "must not be empty".into()));
        }
        if title.chars().count() > 500 {
            return Err(("title", "longer than 500 characters".into()));
        }
        if self.description.chars().count() > 20_000 {
            return Err(("description", "longer than 20,000 characters".into()));
        }
        for (name, value) in [
            ("region", &self.region),
            ("contact", &self.contact),
            ("industry", &self.industry),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > 500) {
                return Err((name, "longer than 500 characters".into()));
            }
        }
        Ok(())
    }

    /// The text matched against patents: title, then description.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.title.trim(), self.description.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_field() {
        let ok = NewDemand {
            title: "汽车氢气循环泵".into(),
            description: "希望无油转动".into(),
            ..NewDemand::default()
        };
        assert!(ok.validate().is_ok());
        let empty = NewDemand {
            title: " ".into(),
            ..NewDemand::default()
        };
        assert_eq!(empty.validate().unwrap_err().0, "title");
        let long = NewDemand {
            title: "x".into(),
            description: "长".repeat(20_001),
            ..NewDemand::default()
        };
        assert_eq!(long.validate().unwrap_err().0, "description");
        let json = serde_json::to_string(&Demand {
            id: 3,
            fields: ok,
            created_at: "t".into(),
        })
        .unwrap();
        assert!(
            json.contains("\"id\":3") && json.contains("\"title\":\"汽车氢气循环泵\""),
            "{json}"
        );
    }
}
