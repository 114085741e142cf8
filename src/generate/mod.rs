//! Temporary stand-in for the synthetic corpus generator (being written separately).

use crate::model::{ApplicationNumber, Patent, check_digit};

/// Settings of one generated corpus.
#[derive(Debug, Clone, Default)]
pub struct GeneratorConfig {
    /// Seed.
    pub seed: u64,
    /// Count.
    pub count: u64,
    /// With claims.
    pub with_claims: bool,
    /// Institution.
    pub institution: Option<String>,
    /// First serial.
    pub first_serial: u32,
}

/// Generator.
pub struct Generator {
    config: GeneratorConfig,
    next: u64,
}

impl Generator {
    /// New.
    pub fn new(config: GeneratorConfig) -> Generator {
        Generator { config, next: 0 }
    }
}

impl Iterator for Generator {
    type Item = Patent;
    fn next(&mut self) -> Option<Patent> {
        if self.next >= self.config.count {
            return None;
        }
        let digits = format!("2021{}{:07}", 1, u64::from(self.config.first_serial) + self.next);
        let number = ApplicationNumber::parse(&format!("{digits}.{}", check_digit(&digits))).ok()?;
        self.next += 1;
        let mut p = Patent::new(number, "一种锂电池正极材料");
        p.institution = self.config.institution.clone();
        Some(p)
    }
}
