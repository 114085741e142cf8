//! Vocabularies of 人工智能, 软件和信息服务 and 科技服务业.

use super::{Form, IndustrySpec, TopicSpec};
use crate::generate::industry::Industry;

/// 人工智能: vision, language, speech, AI hardware, machine learning.
pub(crate) static ARTIFICIAL_INTELLIGENCE: IndustrySpec = IndustrySpec {
    industry: Industry::ArtificialIntelligence,
    topics: &[
        TopicSpec {
            form: Form::Software,
            weight: 4,
            applied: false,
            field: "计算机视觉",
            ipc: "G06V10/82 G06V20/13 G06V10/764 G06N3/045 G06T7/73 G06V40/16 G06V20/52 G06V10/80",
            objects: "遥感图像 交通场景图像 行人图像 视频 低照度图像 工业图像 无人机航拍图像
                红外图像 三维点云 街景图像 合成孔径雷达图像",
            heads: "目标检测 语义分割 目标跟踪 行为识别 超分辨率重建 重识别 图像增强 实例分割
                变化检测 小目标检测",
            modifiers:
                "注意力机制 Transformer 多尺度特征融合 知识蒸馏 对比学习 图卷积网络 轻量化网络
                自监督学习 扩散模型 YOLO 特征金字塔 跨模态融合 元学习",
            parts: "特征提取网络 特征金字塔 注意力权重 检测头 候选框 骨干网络 损失函数 特征图
                训练数据集 预测结果 位置编码 注意力模块 融合特征 类别标签 边界框",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 3,
            applied: false,
            field: "自然语言处理",
            ipc: "G06F40/30 G06F40/295 G06F16/35 G06N3/0455 G06F40/216 G06F16/332 G06F40/35",
            objects: "中文文本 医疗文本 法律文书 专利文献 多轮对话 社交媒体文本 多语言文本 金融公告
                科技文献 电子病历",
            heads: "命名实体识别 关系抽取 情感分析 文本分类 问答 摘要生成 知识图谱构建 事件抽取
                文本纠错 意图识别",
            modifiers:
                "预训练语言模型 大语言模型 提示学习 图神经网络 对比学习 知识增强 检索增强生成
                指针网络 多任务学习 少样本学习",
            parts: "词向量 文本序列 编码器 解码器 实体标签 知识库 上下文表示 注意力矩阵 训练语料
                提示模板 候选答案 语义向量 依存句法树 标签序列",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 2,
            applied: false,
            field: "语音处理",
            ipc: "G10L15/16 G10L15/06 G10L21/0208 G10L13/02 G10L25/30 G10L17/00 G10L15/22",
            objects: "语音 远场语音 方言语音 多说话人语音 噪声环境语音 低资源语言语音 会议语音",
            heads: "识别 增强 合成 分离 说话人识别 关键词检测 情感识别",
            modifiers: "端到端 Conformer 自监督 流式 多任务学习 注意力机制 扩散模型 知识蒸馏",
            parts: "声学特征 梅尔频谱 声学模型 语言模型 音频帧 时频掩码 编码器 解码器 说话人嵌入
                音素序列 声码器",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Electronic,
            weight: 2,
            applied: false,
            field: "人工智能芯片",
            ipc: "G06N3/063 G06N3/065 G06F15/78 G06F7/544 G06N3/048",
            objects: "神经网络 存算一体 类脑 边缘智能 脉冲神经网络 大模型推理",
            heads: "加速器 计算芯片 处理单元 推理装置 计算阵列 存储器",
            modifiers: "低功耗 可重构 稀疏 高能效 近存 混合精度",
            parts: "运算阵列 片上缓存 权重存储器 激活函数单元 控制器 数据通路 乘累加单元 存储阵列
                输入缓冲器 输出缓冲器 调度单元 互连网络",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 2,
            applied: false,
            field: "机器学习",
            ipc: "G06N3/08 G06N20/00 G06N3/098 G06N3/092 G06N5/04 G06N3/0985",
            objects: "神经网络模型 图神经网络 联邦学习系统 大语言模型 多智能体系统 推荐模型 时序预测模型",
            heads: "训练 压缩 推理加速 隐私保护 剪枝 量化 持续学习 超参数优化",
            modifiers: "知识蒸馏 差分隐私 元学习 强化学习 梯度压缩 混合精度 神经架构搜索 低秩分解",
            parts: "模型参数 梯度 训练样本 损失函数 本地模型 全局模型 教师模型 学生模型 量化位宽
                剪枝掩码 计算图 超参数",
            steps: "",
            problems: "",
            effects: "",
        },
    ],
    problems: "检测精度低 泛化能力差 计算复杂度高 对小目标识别效果差 标注数据依赖性强
        模型参数量大 推理速度慢 鲁棒性差 长距离依赖建模能力不足 隐私泄露风险高
        部署成本高 语义理解不准确",
    effects: "识别准确率 检测精度 推理速度 泛化能力 鲁棒性 训练效率 资源利用率 实时性
        语义理解能力 能效比 模型压缩率",
    companies: "北京百度网讯科技有限公司 北京旷视科技有限公司 北京智谱华章科技有限公司
        北京市商汤科技开发有限公司 北京快手科技有限公司 北京字节跳动网络技术有限公司
        北京寒武纪科技有限公司",
    systems: "智能终端 服务器 电子设备 计算设备 边缘计算设备",
};

/// 软件和信息服务: data management, security, information services, software engineering.
pub(crate) static SOFTWARE_SERVICES: IndustrySpec = IndustrySpec {
    industry: Industry::SoftwareServices,
    topics: &[
        TopicSpec {
            form: Form::Software,
            weight: 3,
            applied: false,
            field: "数据处理",
            ipc: "G06F16/27 G06F16/2458 G06F16/903 G06F16/245 G06F9/50 G06F16/22 G06F16/28",
            objects: "分布式数据库 时序数据 海量日志 图数据库 数据湖 流数据 多源异构数据 向量数据库",
            heads: "查询优化 存储 索引构建 数据同步 压缩 负载均衡 数据清洗 缓存管理",
            modifiers: "学习型 列式存储 一致性哈希 增量计算 近似最近邻 强化学习 布隆过滤器",
            parts: "查询请求 执行计划 数据分片 索引结构 元数据 缓存 存储节点 数据块 代价模型 副本
                事务日志 数据模式",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 3,
            applied: false,
            field: "信息安全",
            ipc: "H04L9/40 H04L9/00 G06F21/60 H04L9/32 G06F21/56 H04L9/08 G06F21/62",
            objects: "区块链 物联网设备 云存储数据 工业控制系统 移动应用 电子数据 车联网 医疗数据",
            heads: "身份认证 隐私保护 入侵检测 恶意代码检测 访问控制 数据共享 溯源 密钥管理",
            modifiers: "同态加密 零知识证明 智能合约 属性基加密 联邦学习 图神经网络 可信执行环境
                国密算法 门限签名",
            parts: "密钥 公钥 私钥 数字签名 哈希值 密文 访问策略 身份标识 交易数据 证书 随机数
                流量特征 行为序列",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 2,
            applied: false,
            field: "信息服务",
            ipc: "G06Q10/0631 G06Q50/20 G06Q30/0201 G06Q10/06 G06Q50/26 G06Q30/0631",
            objects: "智慧校园 智慧医疗 城市交通 电子商务 政务服务 供应链 在线教育 智慧社区",
            heads: "资源调度 推荐 评估 管理 预警 需求预测 服务编排",
            modifiers: "知识图谱 大数据分析 协同过滤 数字孪生 图神经网络 大语言模型 多目标优化",
            parts: "用户画像 行为数据 评价指标 业务数据 推荐列表 权重系数 服务请求 订单数据
                资源池 时空数据",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 2,
            applied: false,
            field: "软件工程",
            ipc: "G06F11/36 G06F8/41 G06F9/455 G06F11/07 G06F8/75 G06F11/34",
            objects: "微服务系统 智能合约 源代码 容器集群 嵌入式软件 开源软件 深度学习框架",
            heads: "缺陷检测 测试用例生成 漏洞检测 故障定位 代码生成 性能诊断 代码克隆检测",
            modifiers: "大语言模型 图神经网络 符号执行 模糊测试 程序切片 变异分析 静态分析",
            parts: "抽象语法树 控制流图 测试用例 代码片段 调用链 日志数据 程序依赖图 覆盖率信息
                缺陷报告 补丁",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Mechanical,
            weight: 1,
            applied: false,
            field: "计算机设备",
            ipc: "G06F1/20 G06F1/16 H05K7/14 G06F3/01 H05K7/20",
            objects: "服务器 数据中心 边缘计算 工控机 自助终端",
            heads: "散热装置 机箱 终端设备 存储设备 交互装置 机柜",
            modifiers: "液冷 模块化 高密度 便携式 防尘 抗振",
            parts: "机柜 主板 散热器 风扇 硬盘托架 电源模块 冷板 导风罩 显示屏 滑轨 线缆槽",
            steps: "",
            problems: "",
            effects: "",
        },
    ],
    problems: "查询效率低 存储开销大 安全性不足 隐私泄露 计算开销大 误报率高 可扩展性差
        数据一致性难以保证 服务响应慢 人工成本高 资源利用率低 散热效率低",
    effects: "查询效率 安全性 存储效率 检测准确率 系统吞吐量 响应速度 可扩展性 用户满意度
        资源利用率 开发效率",
    companies: "用友网络科技股份有限公司 北京奇虎科技有限公司 北京京东尚科信息技术有限公司
        北京金山办公软件股份有限公司 奇安信科技集团股份有限公司 中科软科技股份有限公司
        北京神州泰岳软件股份有限公司",
    systems: "服务器 计算机设备 数据中心 终端设备",
};

/// 科技服务业: testing and analysis, instruments, technology services, structural monitoring.
pub(crate) static TECHNOLOGY_SERVICES: IndustrySpec = IndustrySpec {
    industry: Industry::TechnologyServices,
    topics: &[
        TopicSpec {
            form: Form::Process,
            weight: 3,
            applied: false,
            field: "分析检测",
            ipc: "G01N30/02 G01N21/65 G01N33/00 G01N27/26 G01N21/31 G01N30/72 G01N21/64",
            objects:
                "土壤中重金属 食品中农药残留 水体中微塑料 中药材中有效成分 大气颗粒物中多环芳烃
                乳制品中兽药残留 茶叶中稀土元素",
            heads: "检测 快速检测 定量分析 溯源分析 同时测定",
            modifiers: "表面增强拉曼光谱 液相色谱-质谱联用 近红外光谱 电化学传感 荧光探针
                电感耦合等离子体质谱 气相色谱",
            parts: "待测样品 标准溶液 萃取剂 内标物 色谱柱 检测器 标准曲线 净化柱 流动相",
            steps: "称取粉碎均匀的待测样品，加入萃取剂涡旋提取{t}min
                将提取液离心，取上清液过固相萃取柱净化
                用氮气吹干洗脱液，以流动相复溶并过0.22μm滤膜
                配制系列浓度的标准溶液，在相同条件下测定并绘制标准曲线
                将待测溶液注入分析仪器，采集特征信号
                根据所述标准曲线计算待测样品中目标物的含量
                以加标回收试验验证方法的准确度和精密度",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Mechanical,
            weight: 3,
            applied: true,
            field: "检测仪器",
            ipc: "G01N1/28 G01N3/08 G01M5/00 G01N21/01 G01D21/02 G01N3/32",
            objects: "材料力学性能测试 土壤采样 水质监测 岩石试验 涂层附着力测试 气体检测",
            heads: "试验装置 检测装置 取样装置 测试平台 监测装置 夹持装置",
            modifiers: "便携式 多功能 自动化 原位 高通量 可拆卸",
            parts: "试样台 加载机构 位移传感器 支架 数据采集器 夹具 样品池 光源 探头 驱动电机
                控制面板 壳体",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 2,
            applied: false,
            field: "科技服务",
            ipc: "G06Q10/0639 G06Q50/18 G06Q10/06 G06F16/35 G06Q50/20",
            objects:
                "专利 科技成果 技术转移 工程项目 科研团队 实验室资源 技术合同 科技项目 仪器设备共享
                知识产权运营 企业技术需求",
            heads: "价值评估 需求匹配 风险评估 管理 推荐 画像构建 质量评价 智能检索 自动分类 趋势预测",
            modifiers:
                "知识图谱 大语言模型 层次分析法 机器学习 模糊综合评价 文本挖掘 深度学习 图神经网络
                多准则决策 熵权法 语义相似度计算",
            parts: "评价指标体系 权重系数 技术需求 成果数据 匹配度 特征向量 专家意见 评分矩阵",
            steps: "",
            problems: "",
            effects: "",
        },
        TopicSpec {
            form: Form::Software,
            weight: 2,
            applied: false,
            field: "结构健康监测",
            ipc: "G01M5/00 G01M7/02 G06F30/13 G01M99/00 G01D21/02",
            objects: "桥梁 隧道 高层建筑 风电塔筒 油气管道 大坝 斜拉索 输电塔 地铁车站 边坡",
            heads: "健康监测 损伤识别 安全评估 变形监测 模态识别 异常诊断 状态预测 承载力评估",
            modifiers:
                "光纤光栅 数字图像相关 振动响应 有限元模型修正 贝叶斯推断 深度学习 卷积神经网络
                小波变换 随机子空间 机器视觉",
            parts: "监测数据 测点 应变数据 加速度信号 模态参数 损伤指标 有限元模型 环境温度",
            steps: "",
            problems: "",
            effects: "",
        },
    ],
    problems: "检测周期长 前处理繁琐 检测成本高 灵敏度低 基质干扰严重 评估主观性强 匹配效率低
        监测数据利用不足 损伤识别精度低 操作复杂",
    effects: "检测效率 灵敏度 准确度 重复性 评估客观性 匹配准确率 监测精度 自动化程度 适用范围",
    companies: "中国检验认证（集团）有限公司 谱尼测试集团股份有限公司 北京市科学技术研究院
        中国建筑科学研究院有限公司 北京国家技术转移集聚区运营有限公司",
    systems: "检测系统 监测系统 试验平台 服务平台",
};
