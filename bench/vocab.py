"""Word lists for the synthetic corpus, roughly in descending order of frequency.

The generator draws words with Zipf weights by position, so the first entries (function
words, very common nouns and verbs) dominate and the tail (places, named things, rare
phrases) gives selective search terms.
"""

from __future__ import annotations

_ZH = """
的 是 在 了 和 有 也 将 对 与 等 中 为 这 上 不 都 就 从 到 被 但 而 以 及 其 该 还 更 已
我们 他们 一个 没有 表示 进行 发展 中国 企业 公司 市场 数据 用户 工作 问题 技术 经济 社会
服务 平台 产品 国家 政府 相关 已经 目前 通过 可以 需要 成为 今年 同时 记者 方面 项目 时间
建设 推动 提升 管理 政策 创新 网络 信息 互联网 城市 行业 能力 部门 国际 全国 领域 情况 重要
开始 继续 实现 提供 支持 加强 合作 科技 系统 环境 质量 安全 增长 影响 研究 计划 要求 问题
生活 文化 教育 人员 资金 机构 地区 世界 消费 投资 金融 价格 经营 生产 规模 模式 内容 功能
活动 组织 会议 领导 群众 孩子 学生 学校 医院 疫情 防控 健康 疫苗 患者 医生 专家 认为 指出
介绍 透露 数字 智能 应用 软件 硬件 手机 电脑 网站 视频 直播 游戏 电商 新能源 汽车 电池 芯片
半导体 人工智能 大数据 云计算 区块链 物联网 算法 模型 代码 开发者 程序员 开源 框架 版本 更新
发布 推出 上线 升级 测试 漏洞 隐私 保护 监管 规定 法律 法规 标准 制度 体系 机制 改革 开放
今天 昨天 明天 近日 未来 过去 去年 明年 上半年 下半年 季度 月份 周末 春节 国庆 两会 十四五
长沙 北京 上海 广州 深圳 杭州 南京 武汉 成都 重庆 西安 天津 苏州 郑州 合肥 南昌 厦门 青岛
湖南 湖北 广东 浙江 江苏 四川 山东 河南 福建 云南 贵州 陕西 河北 辽宁 吉林 黑龙江 新疆 西藏
美国 日本 韩国 英国 法国 德国 俄罗斯 印度 欧洲 非洲 东南亚 香港 澳门 台湾 全球 海外 国内
诚信 信用 品牌 价值 成本 利润 收入 营收 净利润 股价 股票 基金 银行 保险 证券 债券 利率 汇率
房地产 楼市 房价 住房 租金 土地 基础设施 交通 高铁 地铁 机场 港口 物流 快递 供应链 制造业
农业 农村 农民 乡村振兴 脱贫 扶贫 就业 创业 人才 招聘 工资 收入 养老 医保 社保 退休 老人
环保 污染 碳中和 碳达峰 绿色 低碳 光伏 风电 能源 电力 石油 天然气 煤炭 水资源 气候 天气 暴雨
足球 篮球 比赛 球队 球员 教练 冠军 联赛 世界杯 奥运会 亚运会 金牌 运动员 体育 健身 马拉松
电影 电视剧 综艺 音乐 演员 导演 票房 明星 粉丝 作品 小说 作家 读者 图书 出版 艺术 展览 博物馆
历史 传统 文明 精神 思想 理论 哲学 宗教 语言 文字 诗歌 故事 人物 家庭 父母 朋友 爱情 婚姻
微信 支付宝 淘宝 京东 拼多多 美团 滴滴 抖音 快手 微博 百度 阿里巴巴 腾讯 华为 小米 字节跳动
苹果 谷歌 微软 亚马逊 特斯拉 三星 英伟达 英特尔 高通 联想 比亚迪 蔚来 理想 小鹏 宁德时代
操作系统 数据库 服务器 浏览器 编程语言 前端 后端 接口 容器 微服务 架构 部署 运维 性能 优化
分布式 存储 计算 网络安全 加密 认证 权限 日志 监控 缓存 队列 集群 节点 调度 编译器 虚拟机
用户体验 界面 设计 交互 需求 运营 增长 转化 留存 流量 广告 营销 推广 内容创作 短视频 社区
调查 报告 统计 显示 数据显示 同比 环比 增长率 百分点 亿元 万元 千亿 万亿 超过 达到 约 近
积极 有效 持续 稳定 快速 全面 深入 进一步 不断 充分 明显 显著 重大 重点 核心 关键 主要 基本
负责人 工作人员 志愿者 居民 市民 网友 消费者 投资者 股东 员工 团队 合伙人 创始人 董事长 总经理
省委 市委 人民政府 发改委 工信部 商务部 财政部 央行 证监会 银保监会 国务院 人大 政协 法院 检察院
网信办 公安 警方 消防 应急管理 市场监管 卫健委 教育部 交通运输部 生态环境部 住建部 文旅部
小区 街道 社区服务 物业 菜市场 超市 商场 餐厅 外卖 咖啡 奶茶 火锅 小龙虾 臭豆腐 米粉 早餐
旅游 景区 游客 酒店 民宿 门票 航班 列车 自驾游 露营 古镇 博览会 峰会 论坛 发布会 开幕式
手术 药品 医疗器械 核酸检测 隔离 确诊 病例 病毒 变异 接种 口罩 体温 健康码 行程码 方舱
考试 高考 中考 考研 大学 研究生 博士 教师 课程 课堂 作业 培训 双减 职业教育 在线教育 留学
儿童 青少年 未成年人 女性 男性 年轻人 中年 老年人 残疾人 退役军人 农民工 外卖骑手 快递员
诈骗 电信诈骗 谣言 虚假宣传 个人信息 泄露 维权 投诉 举报 处罚 罚款 整改 约谈 下架 封号
元宇宙 虚拟现实 增强现实 自动驾驶 无人机 机器人 卫星 火箭 航天 探月 空间站 量子计算 基因 疫苗研发
直播带货 网红 主播 流量明星 热搜 话题 评论 点赞 转发 关注 订阅 会员 充值 红包 优惠券 满减
首发 独家 深度 解读 观察 评论员 社论 头条 快讯 速递 专访 对话 现场 直击 回顾 盘点 展望
岳麓峰会 橘子洲 岳麓山 湘江 洞庭湖 张家界 凤凰古城 韶山 株洲 湘潭 衡阳 岳阳 常德 益阳 郴州
长株潭 马栏山 梅溪湖 五一广场 黄花机场 长沙南站 湘江新区 浏阳 宁乡 望城 雨花区 岳麓区 开福区
滨江新城 高新区 经开区 自贸区 产业园 孵化器 众创空间 独角兽 上市公司 科创板 北交所 港股 美股
碳排放 储能 充电桩 换电 氢能 锂电池 固态电池 续航 智能座舱 激光雷达 车联网 新势力 燃油车 混动
鸿蒙 安卓 苹果手机 折叠屏 芯片短缺 光刻机 晶圆 封装 制程 算力 数据中心 东数西算 云原生 边缘计算
大模型 生成式 神经网络 深度学习 机器学习 训练 推理 参数 语料 提示词 向量数据库 知识图谱 自然语言
数字经济 数字化转型 实体经济 共同富裕 高质量发展 营商环境 放管服 一网通办 智慧城市 新基建 双循环
"""

_EN = """
AI 5G App iPhone Android Windows Linux macOS Docker Kubernetes Python Java Go Rust JavaScript
TypeScript React Vue Node.js GitHub API CPU GPU SaaS IoT VR AR Chrome Firefox Tesla Apple
Google Microsoft Amazon Meta OpenAI ChatGPT NVIDIA Intel AMD Qualcomm Huawei Xiaomi ByteDance
TikTok WeChat Alipay IPO GDP CPI PMI NBA CBA FIFA SQL NoSQL Redis MySQL PostgreSQL SQLite
MongoDB Kafka Nginx HTTP HTTPS TCP DNS CDN Wi-Fi Bluetooth USB SSD OLED LCD ARM RISC-V x86
DevOps CI/CD Serverless WebAssembly GraphQL JSON YAML Markdown Hexo Jekyll Hugo Git Vim Emacs
"""

_EN_PHRASES = """
machine learning|open source|cloud native|deep learning|big data|edge computing|service mesh
large language model|supply chain|electric vehicle|smart city|data center|user experience
"""

ZH_WORDS: tuple[str, ...] = tuple(dict.fromkeys(_ZH.split()))
"""Chinese words and phrases, most frequent first (duplicates removed)."""

EN_TERMS: tuple[str, ...] = tuple(dict.fromkeys(_EN.split()))
"""English terms and product names that appear inside Chinese sentences."""

EN_PHRASES: tuple[str, ...] = tuple(
    p.strip() for p in _EN_PHRASES.replace("\n", "|").split("|") if p.strip()
)
"""Multi-word English phrases, for phrase queries."""

ZERO_HIT_TERMS: tuple[str, ...] = (
    "鳄鱼披萨",
    "量子猫咪",
    "zzqxvbench",
    "麒麟骑士团",
    "Fortranesque",
)
"""Terms the generator never writes: queries for them must return nothing."""
