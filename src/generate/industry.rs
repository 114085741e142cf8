//! `Industry`: Beijing's ten high-end industries (十大高精尖产业) and their share of the corpus.

use std::fmt;

/// One of Beijing's ten high-end industries, the axis the generated corpus is drawn along.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Industry {
    /// 新一代信息技术: communications, networks, displays, RF hardware.
    NextGenInformationTechnology,
    /// 集成电路: devices, packaging, circuit design, EDA.
    IntegratedCircuits,
    /// 医药健康: drugs, formulations, medical devices, medical imaging, biotechnology.
    Health,
    /// 智能装备: robots, control, additive manufacturing, intelligent inspection.
    IntelligentEquipment,
    /// 节能环保: water treatment, catalysts, energy systems, energy-saving equipment.
    EnergySavingEnvironmental,
    /// 新能源智能汽车: batteries, battery management, automated driving, electric drives.
    NewEnergyVehicles,
    /// 新材料: polymers, metals, inorganic and nano materials, materials equipment.
    NewMaterials,
    /// 人工智能: vision, language, speech, AI hardware, machine learning.
    ArtificialIntelligence,
    /// 软件和信息服务: data, security, information services, software engineering.
    SoftwareServices,
    /// 科技服务业: testing and analysis, instruments, technology services, monitoring.
    TechnologyServices,
}

impl Industry {
    /// All ten industries, in the order of the 2017 Beijing plan.
    pub const ALL: [Industry; 10] = [
        Industry::NextGenInformationTechnology,
        Industry::IntegratedCircuits,
        Industry::Health,
        Industry::IntelligentEquipment,
        Industry::EnergySavingEnvironmental,
        Industry::NewEnergyVehicles,
        Industry::NewMaterials,
        Industry::ArtificialIntelligence,
        Industry::SoftwareServices,
        Industry::TechnologyServices,
    ];

    /// Returns the Chinese name used in Beijing's policy documents.
    pub fn name_zh(self) -> &'static str {
        match self {
            Industry::NextGenInformationTechnology => "新一代信息技术",
            Industry::IntegratedCircuits => "集成电路",
            Industry::Health => "医药健康",
            Industry::IntelligentEquipment => "智能装备",
            Industry::EnergySavingEnvironmental => "节能环保",
            Industry::NewEnergyVehicles => "新能源智能汽车",
            Industry::NewMaterials => "新材料",
            Industry::ArtificialIntelligence => "人工智能",
            Industry::SoftwareServices => "软件和信息服务",
            Industry::TechnologyServices => "科技服务业",
        }
    }

    /// Returns the position of the industry in [`Industry::ALL`].
    pub fn ordinal(self) -> usize {
        self as usize
    }

    /// Returns the industry's weight in the generated mix (out of 100), roughly the share of
    /// Beijing university patent output: materials, equipment, IT and health lead.
    pub const fn share(self) -> u32 {
        match self {
            Industry::NextGenInformationTechnology => 14,
            Industry::IntegratedCircuits => 7,
            Industry::Health => 13,
            Industry::IntelligentEquipment => 14,
            Industry::EnergySavingEnvironmental => 12,
            Industry::NewEnergyVehicles => 8,
            Industry::NewMaterials => 14,
            Industry::ArtificialIntelligence => 10,
            Industry::SoftwareServices => 5,
            Industry::TechnologyServices => 3,
        }
    }

    /// Returns the probability that a patent of this industry is a utility model (实用新型);
    /// the weighted mean over the mix is about 15%.
    pub fn utility_model_share(self) -> f64 {
        match self {
            Industry::NextGenInformationTechnology => 0.12,
            Industry::IntegratedCircuits => 0.10,
            Industry::Health => 0.10,
            Industry::IntelligentEquipment => 0.30,
            Industry::EnergySavingEnvironmental => 0.25,
            Industry::NewEnergyVehicles => 0.18,
            Industry::NewMaterials => 0.08,
            Industry::ArtificialIntelligence => 0.05,
            Industry::SoftwareServices => 0.04,
            Industry::TechnologyServices => 0.20,
        }
    }

    /// Returns the IPC prefixes every generated IPC code of this industry starts with.
    pub fn ipc_prefixes(self) -> &'static [&'static str] {
        match self {
            Industry::NextGenInformationTechnology => &[
                "H04W", "H04L", "H04B", "G02F1", "G09G3", "H05K", "H10K", "H01Q", "H01P",
            ],
            Industry::IntegratedCircuits => &[
                "H01L", "H03K", "H03M", "H03L", "H03F", "G05F", "G11C", "G06F30", "G03F",
            ],
            Industry::Health => &[
                "A61K", "A61P", "C12N", "A61B", "C07D", "C07K", "G01N33", "A61F", "A61M", "G16H",
                "C12Q", "G06T7", "G06V10", "A61L", "A61H",
            ],
            Industry::IntelligentEquipment => &[
                "B25J", "G05B", "B23K", "B23Q", "B33Y", "B22F", "B29C", "G05D", "G06Q10", "G01B",
                "G01N21", "G01M13", "G06T7",
            ],
            Industry::EnergySavingEnvironmental => &[
                "B01D", "C02F", "F23G", "H02J3", "F24S", "B09B", "B01J", "F24D", "F28D", "G06Q50",
                "G06Q10",
            ],
            Industry::NewEnergyVehicles => &[
                "B60L", "H01M10", "H01M4", "H01M50", "B60W", "B60K", "G01R31", "H02J7", "G08G",
                "G06V20", "H02K",
            ],
            Industry::NewMaterials => &[
                "C08L", "C08K", "C08J", "C08G", "C22C", "C22F", "C21D", "C04B", "B82Y", "C01B",
                "C23C", "C30B", "B22F", "B01J",
            ],
            Industry::ArtificialIntelligence => &[
                "G06N", "G06V", "G06F40", "G06F16", "G10L", "G06F15", "G06F7", "G06T7",
            ],
            Industry::SoftwareServices => &[
                "G06F16", "G06F9", "G06Q", "H04L9", "G06F21", "G06F11", "G06F8", "G06F1", "G06F3",
                "H05K7",
            ],
            Industry::TechnologyServices => &[
                "G01N", "G06Q10", "G06Q50", "G01M", "G01D", "G06F16", "G06F30",
            ],
        }
    }
}

impl fmt::Display for Industry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_one_hundred_and_utility_mix_is_about_fifteen_percent() {
        let total: u32 = Industry::ALL.iter().map(|i| i.share()).sum();
        assert_eq!(total, 100);
        let utility: f64 = Industry::ALL
            .iter()
            .map(|i| f64::from(i.share()) / 100.0 * i.utility_model_share())
            .sum();
        assert!((0.12..0.18).contains(&utility), "{utility}");
    }

    #[test]
    fn ordinals_follow_all() {
        for (at, industry) in Industry::ALL.iter().enumerate() {
            assert_eq!(industry.ordinal(), at);
        }
        assert_eq!(Industry::NewMaterials.to_string(), "新材料");
    }
}
