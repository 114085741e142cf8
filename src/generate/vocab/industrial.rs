//! Vocabularies of 智能装备, 新能源智能汽车 and 新材料.

use super::{Form, IndustrySpec, TopicSpec};
use crate::generate::industry::Industry;

/// 智能装备: robots, robot control, additive manufacturing and machining, intelligent inspection.
pub(crate) static INTELLIGENT_EQUIPMENT: IndustrySpec = IndustrySpec {
    industry: Industry::IntelligentEquipment,
    topics: &[
        TopicSpec {
            form: Form::Mechanical,
            weight: 4,
            applied: true,
            field: "机器人",
            ipc: "B25J9/16 B25J9/10 B25J11/00 B25J15/08 B25J19/00 B25J5/00 B25J17/02 B25J15/06",
            objects: "焊接作业 物料搬运 精密装配 管道巡检 喷涂作业 曲面打磨 高空作业 果蔬采摘 仓储分拣",
            heads: "机械臂 末端执行器 机器人 夹持装置 关节模组 灵巧手 移动底盘 爬壁机器人 外骨骼",
            modifiers: "轻量化 高刚度 柔性 模块化 绳驱动 仿生 磁吸附 多自由度 欠驱动 变刚度",
            parts: "底座 大臂 小臂 腕部 关节电机 减速器 编码器 力传感器 夹爪 连杆 伺服电机 同步带
                吸盘 控制箱 丝杠 导轨 弹簧 摄像头 激光雷达 履带",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 3,
            applied: false,
            field: "智能控制",
            ipc: "B25J9/16 G05B19/418 G05B13/04 G05D1/02 G06Q10/04 G05B23/02 G05B13/02",
            objects: "机械臂 移动机器人 多机器人系统 数控机床 柔性生产线 自动导引车 无人机集群
                双足机器人 四足机器人 装配生产线",
            heads: "轨迹规划 路径规划 运动控制 任务调度 故障诊断 避障 标定 协同控制 抓取位姿估计",
            modifiers: "深度强化学习 模型预测控制 自适应滑模控制 数字孪生 改进A*算法 粒子群优化
                视觉伺服 阻抗控制 迭代学习控制 模仿学习 人工势场法",
            parts: "关节角度 运动学模型 动力学模型 代价地图 目标位姿 速度约束 障碍物信息 控制律
                误差信号 状态观测器 工件信息 点云数据 加工工序 设备状态",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Mechanical,
            weight: 3,
            applied: false,
            field: "增材制造与加工",
            ipc: "B33Y30/00 B22F12/00 B23K26/342 B23Q3/06 B23K37/04 B29C64/209 B23K26/70 B33Y10/00",
            objects: "金属 激光 电弧 陶瓷 复合材料 多材料 大型构件 精密零件",
            heads: "3D打印装置 熔覆装置 夹具 焊接装置 打磨装置 送粉装置 加工中心 切削装置 上下料装置",
            modifiers: "多轴联动 自动化 高精度 双工位 智能化 快速换型 在线监测",
            parts: "打印喷头 成形平台 送丝机构 激光器 振镜 直线导轨 滚珠丝杠 夹紧气缸 定位销 工作台
                保护气罩 冷却管路 粉仓 刮刀 主轴 机架 旋转台",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 3,
            applied: false,
            field: "智能检测",
            ipc: "G01M13/045 G06T7/00 G01N21/88 G05B23/02 G01B11/25 G01M13/028",
            objects: "滚动轴承 齿轮箱 焊缝 工件表面 航空发动机叶片 刀具 旋转机械 轨道扣件",
            heads: "缺陷检测 故障诊断 剩余寿命预测 磨损监测 三维测量 状态评估",
            modifiers: "深度学习 结构光 机器视觉 振动信号分析 迁移学习 小波包分解 变分模态分解
                卷积神经网络 域自适应",
            parts: "振动信号 点云数据 图像样本 特征向量 诊断模型 健康指标 频谱特征 时频图 退化曲线
                缺陷区域 标定参数",
            steps: "",
            problems: "",
            effects: "",
        },
    ],
    problems: "定位精度低 负载能力不足 结构复杂 控制精度低 适应性差 加工效率低 故障识别率低
        人工检测效率低 轨迹规划耗时长 抗干扰能力弱 成形质量不稳定 柔性不足 运动耦合严重",
    effects: "定位精度 控制精度 作业效率 负载能力 灵活性 稳定性 加工精度 识别准确率
        自动化程度 可靠性 响应速度 通用性",
    companies: "北京京城机电控股有限责任公司 北京精雕科技集团有限公司 北京配天技术有限公司
        北京机械工业自动化研究所有限公司 中国航天科工集团有限公司 北京北一机床股份有限公司
        北京石头世纪科技股份有限公司",
    systems: "机器人系统 加工设备 生产线 作业平台 智能工厂",
};

/// 新能源智能汽车: battery materials, battery management, automated driving, drive and thermal.
pub(crate) static NEW_ENERGY_VEHICLES: IndustrySpec = IndustrySpec {
    industry: Industry::NewEnergyVehicles,
    topics: &[
        TopicSpec {
            form: Form::Composition,
            weight: 3,
            applied: false,
            field: "电池材料",
            ipc: "H01M4/525 H01M4/505 H01M4/62 H01M10/0525 H01M4/36 H01M10/0562 H01M4/38 H01M4/587",
            objects: "锂离子电池 固态电池 钠离子电池 锂硫电池 动力电池 高倍率电池",
            heads: "正极材料 负极材料 固态电解质 复合隔膜 电解液添加剂 粘结剂 导电剂",
            modifiers: "高镍三元 单晶 富锂锰基 硅碳 包覆改性 掺杂改性 高电压 硫化物 层状氧化物
                聚阴离子型 普鲁士蓝类",
            parts: "镍钴锰氢氧化物 氢氧化锂 碳酸锂 氧化铝 人造石墨 纳米硅粉 聚偏氟乙烯 导电炭黑
                碳纳米管 六氟磷酸锂 锂镧锆氧 硫化锂 磷酸铁 葡萄糖 碳酸钠",
            steps: "",
            problems: "能量密度低 循环寿命短 倍率性能差 热稳定性差 首次库伦效率低 界面副反应严重",
            effects: "能量密度 循环稳定性 倍率性能 热稳定性 首次库伦效率 安全性",
        },
        TopicSpec {
            form: Form::Software,
            weight: 3,
            applied: false,
            field: "电池管理",
            ipc: "G01R31/367 G01R31/392 H01M10/42 H01M10/48 B60L58/12 H02J7/00 B60L58/16",
            objects: "锂离子电池 动力电池组 储能电池 电池包 燃料电池 梯次利用电池",
            heads: "荷电状态估计 健康状态估计 剩余寿命预测 热失控预警 均衡控制 快速充电 故障诊断
                内短路检测",
            modifiers: "扩展卡尔曼滤波 长短期记忆网络 等效电路模型 电化学模型 粒子滤波 高斯过程回归
                迁移学习 增量容量分析 数据驱动",
            parts: "端电压 充放电电流 电池温度 开路电压 欧姆内阻 容量衰减 极化电压 特征参数
                估计模型 单体电压 充电曲线 老化特征",
            steps: "",
            problems: "估计精度低 热失控风险高 充电时间长 电池一致性差 计算量大 老化状态难以在线评估",
            effects: "估计精度 安全性 充电效率 电池一致性 实时性 使用寿命",
        },
        TopicSpec {
            form: Form::Software,
            weight: 3,
            applied: false,
            field: "智能驾驶",
            ipc: "B60W30/09 B60W60/00 B60W40/02 G08G1/16 G06V20/58 B60W50/00 B60W30/18",
            objects: "自动驾驶车辆 智能网联汽车 无人驾驶车辆 车辆编队 矿用卡车 园区无人车",
            heads: "轨迹规划 行为决策 换道控制 目标跟踪 环境感知 横向控制 碰撞预警 轨迹预测",
            modifiers: "深度强化学习 模型预测控制 多传感器融合 博弈论 激光雷达点云 图神经网络
                人工势场 贝叶斯网络",
            parts: "周围车辆 车道线 障碍物 激光雷达 毫米波雷达 车载相机 期望轨迹 横摆角速度
                安全距离 行驶工况 风险场 交通参与者",
            steps: "",
            problems: "决策安全性不足 感知精度低 跟踪误差大 对复杂交通场景适应性差 实时性差",
            effects: "行驶安全性 控制精度 感知精度 乘坐舒适性 通行效率 实时性",
        },
        TopicSpec {
            form: Form::Mechanical,
            weight: 3,
            applied: true,
            field: "电动汽车",
            ipc: "B60K1/00 B60L53/16 B60K11/02 B60L50/60 H01M10/613 H02K9/19 B60L53/80 H01M50/20",
            objects: "电动汽车 氢燃料电池汽车 混合动力汽车 电动客车 电动重卡",
            heads: "电驱动系统 热管理系统 充电装置 电池包 冷却装置 动力总成 换电装置",
            modifiers: "集成式 高效 轻量化 双电机 液冷 直冷 模块化",
            parts: "驱动电机 减速器 电机控制器 冷却液管路 电池模组 换热板 电子水泵 膨胀阀 充电接口
                箱体 托盘 锁止机构 散热器 四通阀",
            steps: "",
            problems: "温度均匀性差 结构笨重 续航里程短 充电时间长 集成度低 散热效率低",
            effects: "温度均匀性 功率密度 续航里程 充电效率 集成度 轻量化水平",
        },
    ],
    problems: "能量密度低 循环寿命短 倍率性能差 热稳定性差 估计精度低 热失控风险高 续航里程短
        充电时间长 决策安全性不足 感知精度低 跟踪误差大 温度均匀性差 结构笨重",
    effects: "能量密度 循环稳定性 倍率性能 安全性 估计精度 续航里程 充电效率 行驶安全性
        控制精度 乘坐舒适性 温度均匀性 功率密度",
    companies: "北京汽车股份有限公司 北京新能源汽车股份有限公司 北汽福田汽车股份有限公司
        北京车和家信息技术有限公司 北京亿华通科技股份有限公司 北京当升材料科技股份有限公司
        北京卫蓝新能源科技有限公司",
    systems: "电动汽车 车辆 储能系统 电池系统 动力系统",
};

/// 新材料: polymers, metals, inorganic and nano materials, materials equipment.
pub(crate) static NEW_MATERIALS: IndustrySpec = IndustrySpec {
    industry: Industry::NewMaterials,
    topics: &[
        TopicSpec {
            form: Form::Composition,
            weight: 4,
            applied: false,
            field: "高分子材料",
            ipc: "C08L67/04 C08K3/04 C08J5/18 C08L77/06 C08K7/06 C08G63/06 C08L63/00 C08J9/28",
            objects: "电子封装 汽车轻量化 食品包装 锂电池隔膜 柔性电子 建筑保温 医用敷料",
            heads: "复合材料 薄膜 泡沫材料 弹性体 纤维 涂层 胶黏剂 母粒",
            modifiers: "高导热 阻燃 可降解 自修复 耐高温 高强韧 抗菌 透明 低介电",
            parts: "聚乳酸 聚酰胺 环氧树脂 聚酰亚胺 氮化硼 石墨烯 碳纤维 增容剂 抗氧剂 硅烷偶联剂
                增塑剂 阻燃剂 聚丙烯 聚碳酸酯 滑石粉 纳米二氧化硅",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Alloy,
            weight: 3,
            applied: false,
            field: "金属材料",
            ipc: "C22C38/02 C22C21/00 C22C14/00 C22F1/04 C21D8/02 C22C19/05 C22C30/00 C22C23/02",
            objects: "航空航天 汽车车身 核电装备 海洋工程 增材制造 轨道交通",
            heads: "铝合金 钛合金 高温合金 高熵合金 不锈钢 镁合金 低合金钢 铜合金",
            modifiers: "高强 耐腐蚀 低密度 耐热 高塑性 纳米析出强化 高导电 抗疲劳",
            parts: "Cu Mg Zn Si Mn Cr Ni Mo Nb V Ti Zr Sc Er B C Co W",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Composition,
            weight: 3,
            applied: false,
            field: "无机非金属材料",
            ipc: "C04B35/565 C04B35/622 C01B32/184 B82Y30/00 C01B33/12 C04B28/04 C04B38/06",
            objects: "电磁屏蔽 建筑节能 储能 热防护 光催化 吸波 耐火",
            heads: "陶瓷材料 气凝胶 石墨烯材料 混凝土 纳米粉体 涂层材料 多孔陶瓷",
            modifiers: "多孔 超轻 高韧性 超高性能 低热导 纳米 梯度 透明",
            parts: "碳化硅粉体 氧化锆 氧化铝 正硅酸乙酯 石墨 硅酸盐水泥 硅灰 聚羧酸减水剂 烧结助剂
                粘结剂 钢纤维 粉煤灰 氧化钇 碳纳米管",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Mechanical,
            weight: 2,
            applied: false,
            field: "材料制备设备",
            ipc: "C23C14/35 C30B15/00 B22F9/08 C23C16/455 B01J19/00 C23C14/34",
            objects: "磁控溅射 化学气相沉积 晶体生长 雾化制粉 连续烧结 原子层沉积",
            heads: "镀膜装置 反应釜 制备装置 沉积设备 晶体生长炉 烧结炉",
            modifiers: "连续式 大尺寸 高真空 均匀加热 多腔室 可控气氛",
            parts: "真空腔室 靶材 基片台 加热器 进气管 真空泵 坩埚 温控系统 搅拌桨 冷却水套 喷嘴
                观察窗 转轴 密封法兰",
            steps: "",
            problems: "",
            effects: "",
        },
    ],
    problems: "强度和韧性难以兼顾 耐腐蚀性能差 导热性能差 制备工艺复杂 成本高 界面结合差
        高温稳定性差 力学性能不足 易开裂 孔隙率高 分散不均匀 难以规模化生产",
    effects: "力学性能 拉伸强度 断裂韧性 导热系数 耐腐蚀性能 热稳定性 阻燃性能 加工性能
        界面结合强度 均匀性 生产效率 使用寿命",
    companies: "中国钢研科技集团有限公司 中国有研科技集团有限公司 中国建筑材料科学研究总院有限公司
        北京当升材料科技股份有限公司 中国石油化工股份有限公司北京化工研究院 北京科技大学设计研究院有限公司
        北京中材人工晶体研究院有限公司",
    systems: "制备系统 生产线 成套设备 加工系统",
};
