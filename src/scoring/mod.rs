//! Scoring: an explainable value model for every patent and its fit to Beijing's ten
//! high-end industries. The only reader of `scoring/`.

mod config;
mod industry;

pub use config::{IndustriesConfig, ModelConfig, RuleKind, Strength};
pub use industry::{Evidence, IndustryFit, IndustryMatch, IndustryMatcher, IpcPattern};
