//! Parties: Beijing universities weighted by industry strength, companies, inventor names.

use super::industry::Industry;
use super::random::{PatentRng, between, chance, cumulate, pick, weighted};
use rand::RngExt;

/// A Beijing university: its name, its overall patent output, and the industries it is strong in.
struct University {
    name: &'static str,
    weight: u32,
    strong: &'static [Industry],
}

use Industry::{
    ArtificialIntelligence as Ai, EnergySavingEnvironmental as Env, Health as Med,
    IntegratedCircuits as Ic, IntelligentEquipment as Equip, NewEnergyVehicles as Ev,
    NewMaterials as Mat, NextGenInformationTechnology as Ict, SoftwareServices as Soft,
    TechnologyServices as Svc,
};

/// Beijing universities with a rough weight for their patent output.
static UNIVERSITIES: &[University] = &[
    University {
        name: "清华大学",
        weight: 30,
        strong: &[Ict, Ic, Mat, Env, Ai, Ev],
    },
    University {
        name: "北京大学",
        weight: 18,
        strong: &[Med, Ic, Mat, Ai, Ict],
    },
    University {
        name: "北京航空航天大学",
        weight: 24,
        strong: &[Equip, Ai, Ict, Mat, Svc],
    },
    University {
        name: "北京理工大学",
        weight: 20,
        strong: &[Ev, Equip, Mat, Ai],
    },
    University {
        name: "北京科技大学",
        weight: 18,
        strong: &[Mat, Equip, Env],
    },
    University {
        name: "北京交通大学",
        weight: 12,
        strong: &[Ict, Ev, Env, Svc],
    },
    University {
        name: "北京邮电大学",
        weight: 16,
        strong: &[Ict, Ai, Soft, Ic],
    },
    University {
        name: "北京工业大学",
        weight: 18,
        strong: &[Equip, Env, Mat, Ai],
    },
    University {
        name: "北京化工大学",
        weight: 14,
        strong: &[Mat, Env, Med, Ev],
    },
    University {
        name: "中国农业大学",
        weight: 12,
        strong: &[Med, Env, Equip],
    },
    University {
        name: "北京师范大学",
        weight: 6,
        strong: &[Env, Soft, Ai],
    },
    University {
        name: "北京林业大学",
        weight: 7,
        strong: &[Env, Mat],
    },
    University {
        name: "北京中医药大学",
        weight: 5,
        strong: &[Med],
    },
    University {
        name: "首都医科大学",
        weight: 6,
        strong: &[Med],
    },
    University {
        name: "北京工商大学",
        weight: 5,
        strong: &[Med, Soft, Svc],
    },
    University {
        name: "北方工业大学",
        weight: 5,
        strong: &[Equip, Ict, Soft],
    },
    University {
        name: "华北电力大学",
        weight: 14,
        strong: &[Env, Ev, Ai],
    },
    University {
        name: "中国石油大学（北京）",
        weight: 9,
        strong: &[Env, Mat, Svc],
    },
    University {
        name: "中国矿业大学（北京）",
        weight: 8,
        strong: &[Env, Equip, Svc],
    },
    University {
        name: "中国地质大学（北京）",
        weight: 7,
        strong: &[Env, Mat, Svc],
    },
    University {
        name: "北京信息科技大学",
        weight: 6,
        strong: &[Ict, Equip, Ai],
    },
    University {
        name: "北京建筑大学",
        weight: 5,
        strong: &[Env, Svc],
    },
    University {
        name: "首都师范大学",
        weight: 3,
        strong: &[Ai, Ict],
    },
    University {
        name: "中国人民大学",
        weight: 2,
        strong: &[Soft, Ai],
    },
    University {
        name: "北京协和医学院",
        weight: 3,
        strong: &[Med],
    },
    University {
        name: "北京联合大学",
        weight: 3,
        strong: &[Ai, Soft],
    },
    University {
        name: "北京石油化工学院",
        weight: 3,
        strong: &[Mat, Env],
    },
    University {
        name: "北京印刷学院",
        weight: 2,
        strong: &[Mat],
    },
];

/// How much more often a university files in an industry it is strong in.
const STRONG_FACTOR: u32 = 5;

/// Cumulative university weights for one industry.
pub(crate) fn university_table(industry: Industry) -> Vec<u32> {
    cumulate(UNIVERSITIES.iter().map(|u| {
        if u.strong.contains(&industry) {
            u.weight * STRONG_FACTOR
        } else {
            u.weight
        }
    }))
}

/// Draws a university from a table made by [`university_table`].
pub(crate) fn draw_university(rng: &mut PatentRng, table: &[u32]) -> &'static str {
    UNIVERSITIES
        .get(weighted(rng, table))
        .map_or("清华大学", |u| u.name)
}

/// Returns every university name.
#[cfg(test)]
pub(crate) fn university_names() -> impl Iterator<Item = &'static str> {
    UNIVERSITIES.iter().map(|u| u.name)
}

/// Common surnames, the most frequent first (drawn with decreasing weight).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童甄项曲游阳裴席卫查屈鲍霍翁隋甘景单包司柏宁柯阮桂闵";

/// Two-character surnames, drawn rarely.
const DOUBLE_SURNAMES: [&str; 6] = ["欧阳", "司马", "上官", "诸葛", "慕容", "皇甫"];

/// Characters of given names (no 三/四, so no 张三 or 李四).
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏俊帆晨雪琳婷颖欣博宁鑫睿哲思远航志海波峰立新国庆春晓云飞龙林森宏亮光耀嘉怡佳乐然恒毅泽健彬晶璐倩蕾薇悦瑶婧昊天翔翰轩子涵梓铭鸿振东晗冰清岩松柏青岚媛琦琪珂瑞祥福兴旭阳烨炜晖昕玥彤萱淼鑫磊卓越锦程学诚钰琛";

/// Inventor-name tables, built once.
pub(crate) struct NameTables {
    surnames: Vec<char>,
    surname_cumulative: Vec<u32>,
    given: Vec<char>,
}

impl NameTables {
    /// Builds the tables from the character lists.
    pub(crate) fn new() -> NameTables {
        let surnames: Vec<char> = SURNAMES.chars().collect();
        // Zipf-like: the n-th surname has weight 1000 / (n + 4).
        let surname_cumulative = cumulate((0..surnames.len()).map(|n| 1000 / (n as u32 + 4)));
        NameTables {
            surnames,
            surname_cumulative,
            given: GIVEN.chars().collect(),
        }
    }

    /// Appends one plausible Chinese personal name.
    pub(crate) fn push_name(&self, rng: &mut PatentRng, out: &mut String) {
        if chance(rng, 0.004) {
            out.push_str(pick(rng, &DOUBLE_SURNAMES));
        } else if let Some(&c) = self.surnames.get(weighted(rng, &self.surname_cumulative)) {
            out.push(c);
        }
        let length = if chance(rng, 0.28) { 1 } else { 2 };
        for _ in 0..length {
            if let Some(&c) = self.given.get(rng.random_range(..self.given.len().max(1))) {
                out.push(c);
            }
        }
    }

    /// Draws 2–6 distinct inventor names; higher-quality patents have slightly larger teams.
    pub(crate) fn inventors(&self, rng: &mut PatentRng, quality: f64) -> Vec<String> {
        let bonus = u32::from(quality > 0.8);
        let count = (between(rng, 2, 5) + bonus).min(6) as usize;
        let mut names: Vec<String> = Vec::with_capacity(count);
        let mut tries = 0;
        while names.len() < count && tries < 40 {
            tries += 1;
            let mut name = String::with_capacity(9);
            self.push_name(rng, &mut name);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::random::patent_rng;

    #[test]
    fn names_are_two_to_four_characters_and_never_placeholders() {
        let tables = NameTables::new();
        let mut rng = patent_rng(1, 2);
        for _ in 0..2_000 {
            let names = tables.inventors(&mut rng, 0.0);
            assert!((2..=6).contains(&names.len()));
            for name in names {
                let chars = name.chars().count();
                assert!((2..=4).contains(&chars), "{name}");
                assert!(name != "张三" && name != "李四");
            }
        }
    }

    #[test]
    fn strong_universities_dominate_their_industry() {
        let table = university_table(Industry::Health);
        let mut rng = patent_rng(5, 5);
        let mut tcm = 0;
        let mut bupt = 0;
        for _ in 0..20_000 {
            match draw_university(&mut rng, &table) {
                "北京中医药大学" => tcm += 1,
                "北京邮电大学" => bupt += 1,
                _ => {}
            }
        }
        assert!(tcm > bupt, "{tcm} vs {bupt}");
        assert!(university_names().any(|n| n == "中国石油大学（北京）"));
    }
}
