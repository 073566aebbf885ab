using System.Globalization;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// Synthetic target tables shaped like the seed: the eleven common 决策/过程 indicators plus four output and effect
/// indicators (15 in all), every notation form of DOMAIN §3 including the full-width and worded variants, varied units,
/// names, departments and funds. Deterministic: table <c>i</c> is the same in every run and every benchmark.
/// </summary>
public sealed class Generator(int seed = 2026)
{
    public const int Year = 2026;

    private static readonly string[] Regions = ["南通市", "崇川区", "通州区", "海门区", "如皋市", "海安市", "启东市", "如东县"];

    private static readonly string[] Bureaus =
    [
        "科学技术局", "教育局", "卫生健康委员会", "农业农村局", "交通运输局", "住房和城乡建设局", "民政局", "人力资源和社会保障局",
        "生态环境局", "水利局", "文化广电和旅游局", "体育局", "市场监督管理局", "应急管理局", "自然资源和规划局", "财政局",
        "商务局", "工业和信息化局", "司法局", "统计局", "退役军人事务局", "医疗保障局", "城市管理局", "数据局", "档案馆",
    ];

    private static readonly string[] Topics =
    [
        "科技创新", "乡村振兴", "义务教育均衡发展", "公共卫生服务", "农村公路养护", "老旧小区改造", "困难群众救助", "就业创业扶持",
        "大气污染防治", "河道综合整治", "公共文化服务", "全民健身", "食品安全监管", "安全生产监管", "耕地保护", "政府采购管理",
        "外贸稳增长", "中小企业发展", "法律援助", "统计调查", "退役军人服务保障", "医保基金监管", "市容环境整治", "政务信息化",
        "档案数字化", "高新技术发展", "产学研合作交流", "引进国外智力", "物业管理", "网络设备设施运行与维护",
    ];

    private static readonly string[] Kinds = ["专项", "补助资金", "工作经费", "运行维护费", "建设项目", "购置费", "专项资金", "奖补资金"];

    private static readonly string[] ProjectTypes = ["常年安排项目", "一次性项目", "延续性项目"];

    private static readonly string[] Levels = ["市本级", "区级", "县级"];

    private static readonly string[] Goals =
    [
        "全面完成年度工作任务，资金使用规范高效", "服务对象满意度持续提升", "保障单位正常运转，提高履职能力",
        "形成可复制可推广的经验做法", "推动相关产业高质量发展", "改善人居环境，提升群众获得感", "完善长效管理机制",
    ];

    /// <summary>The common indicators every seed table carries, with their targets (half-year, full-year).</summary>
    private static readonly (string Subcategory, string Name, string Word)[] Common =
    [
        ("项目立项", "立项程序规范性", "规范"),
        ("项目立项", "立项依据充分性", "充分"),
        ("绩效目标", "绩效指标明确性", "明确"),
        ("绩效目标", "绩效目标合理性", "合理"),
        ("资金投入", "资金分配合理性", "合理"),
        ("资金投入", "预算编制科学性", "科学"),
        ("资金管理", "资金到位率", ""),
        ("资金管理", "资金使用合规性", "合规"),
        ("资金管理", IndicatorTree.BudgetExecutionRate, ""),
        ("组织实施", "管理制度健全性", "健全"),
        ("组织实施", "制度执行有效性", "有效"),
    ];

    private static readonly string[] CountUnits = ["个", "场", "项", "人", "次", "家", "篇", "人次", "户", "台、件、套、 项", "期", "批次"];

    private static readonly string[] CountSubjects =
    [
        "招引科创项目数", "组织专题活动场次", "培训人员数量", "实施合作项目数", "服务企业数量", "发放宣传资料", "开展检查次数",
        "新增研发机构数", "受益群众人数", "设备购置采购数量", "完成改造户数", "举办展会期数",
    ];

    private static readonly string[] Qualitative = ["较高", "及时", "完成", "显著", "有效", "明显提升", "稳步提升"];

    private static readonly string[] Sentences =
    [
        "严格执行相关财经法规、制度", "在平台、载体、园区、基金、项目上启动合作", "按照合同约定完成全部服务内容",
        "形成年度工作总结报告并按时报送", "各项工作符合行业规范和验收标准",
    ];

    private static readonly string[] EffectNames =
    [
        "对落实创新驱动发展战略的推动程度", "对单位履职、促进事业发展的影响或提升程度", "对办公环境的改善或提升程度",
        "对区域经济增长的带动作用", "对生态环境质量的改善程度", "对群众生活质量的提升程度", "长效管理机制健全程度",
    ];

    /// <summary>Tables 0 .. count-1, generated as they are enumerated.</summary>
    public IEnumerable<TargetTable> Tables(int count)
    {
        for (var i = 0; i < count; i++)
            yield return Table(i);
    }

    public TargetTable Table(int index)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        var department = Regions[index % Regions.Length] + Bureaus[index / Regions.Length % Bureaus.Length];
        var name = $"{Pick(random, Topics)}{Pick(random, Kinds)}{index + 1:D6}";
        var total = Math.Round((decimal)(random.NextDouble() * 4999 + 1), 2);
        var midShare = random.Next(0, 61);
        var midPlanned = Math.Round(total * midShare / 100m, 2);
        var project = new Project
        {
            Year = Year,
            Name = name,
            Department = department,
            ImplementingUnit = random.Next(4) == 0 ? department + "机关服务中心" : department,
            ProjectType = Pick(random, ProjectTypes),
            GovernmentLevel = Pick(random, Levels),
            StartYear = Year.ToString(CultureInfo.InvariantCulture),
            EndYear = (Year + random.Next(0, 3)).ToString(CultureInfo.InvariantCulture),
            Contact = $"{Pick(random, ["张", "王", "李", "陈", "刘"])}{Pick(random, ["敏", "伟", "静", "磊", "芳"])}/0513-8{random.Next(1_000_000, 9_999_999)}",
            Necessity = $"落实{Pick(random, Topics)}工作部署，{Pick(random, Goals)}。",
            Feasibility = $"项目已纳入年度工作计划，{Pick(random, Goals)}。",
            Content = $"主要用于{Pick(random, CountSubjects).TrimEnd('数', '量')}及相关支出。",
            LongTermGoal = $"{Pick(random, Goals)}；{Pick(random, Goals)}。",
            AnnualGoal = $"{Pick(random, Goals)}。",
            Funds = new Funds
            {
                Total = total,
                FiscalAppropriation = total,
                GeneralBudget = total,
                SocialSecurityFund = 0,
                CarriedOver = 0,
                Other = 0,
                MidYearPlannedSpend = midPlanned,
                AnnualBudget = total,
            },
        };

        var indicators = new List<Indicator>(15);
        foreach (var (subcategory, indicator, word) in Common)
        {
            var (mid, full) = indicator switch
            {
                "资金到位率" => ("序时进度", "100%"),
                IndicatorTree.BudgetExecutionRate => ($"={midShare}%", "=100%"),
                _ => (word, word),
            };
            indicators.Add(Make(subcategory, indicator, mid, full));
        }
        // Four output and effect indicators, as in the seed: 数量, 质量, 时效 and one 效益 (sometimes 成本 or 满意度 instead).
        indicators.Add(Count(random));
        indicators.Add(random.Next(5) == 0 ? Cost(random) : Quality(random));
        indicators.Add(Timeliness(random));
        indicators.Add(random.Next(6) == 0 ? Satisfaction(random) : Effect(random));
        return new TargetTable(project, indicators);
    }

    private static Indicator Count(Random random)
    {
        var unit = Pick(random, CountUnits);
        var full = random.Next(1, 2000);
        var mid = random.Next(4) == 0 ? 0 : full / 2;
        return random.Next(12) switch
        {
            0 => Make("数量指标", "等保测评及安全运维服务成果", $"={Math.Max(mid, 1)}项报告、应急预案报告、安全巡检报告", $"={full}项报告、应急预案报告、安全巡检报告"),
            1 => Make("数量指标", "物业服务面积", $"={full}.{random.Next(10, 99)}平方米", $"={full}.{random.Next(10, 99)}平方米"),
            2 => Make("数量指标", "组织会议场次", $"≤{Math.Max(mid / 100, 1)}场", $"≤{Math.Max(full / 100, 1)}场"),
            3 => Make("数量指标", Pick(random, CountSubjects), $"不少于{mid}{unit}", $"不少于{full}{unit}"),
            4 => Make("数量指标", Pick(random, CountSubjects), $"＞＝{FullWidth(mid)}{unit}", $"＞＝{FullWidth(full)}{unit}"),
            5 => Make("数量指标", Pick(random, CountSubjects), $">= {mid} {unit}", $">= {full} {unit}"),
            _ => Make("数量指标", Pick(random, CountSubjects), $"≥{mid}{unit}", $"≥{full}{unit}"),
        };
    }

    private static Indicator Quality(Random random)
    {
        var rate = random.Next(80, 101);
        return random.Next(8) switch
        {
            0 => Make("质量指标", "经费支出合规性", Pick(random, Sentences), Pick(random, Sentences)),
            1 => Make("质量指标", "验收合格率", "=100%", "=100%"),
            2 => Make("质量指标", "信息系统日常维护合格率", $"={rate}%", $"={rate}%"),
            3 => Make("质量指标", "投诉率", $"≤{100 - rate}%", $"≤{100 - rate}%"),
            4 => Make("质量指标", "单个项目合同金额", $"≥{random.Next(1, 50)}万元", $"≥{random.Next(50, 100)}万元"),
            5 => Make("质量指标", "达标率", $"不低于{rate}％", $"不低于{rate}％"),
            6 => Make("质量指标", "服务质量", Pick(random, Qualitative), Pick(random, Qualitative)),
            _ => Make("质量指标", "项目完成率", $"≥{rate / 2}%", $"≥{rate}%"),
        };
    }

    private static Indicator Timeliness(Random random) => random.Next(6) switch
    {
        0 => Make("时效指标", "经费支出时效性", "≤50%", "≤100%"),
        1 => Make("时效指标", "工作完成时间", "≤6月", "≤12月"),
        2 => Make("时效指标", "运维服务周期", "≤1年", "≤1年"),
        3 => Make("时效指标", "问题整改时限", $"不超过{random.Next(3, 15)}个工作日", $"不超过{random.Next(3, 15)}个工作日"),
        4 => Make("时效指标", "服务完成及时性", "及时", "及时"),
        _ => Make("时效指标", "项目实施进度", "≥50%", "100%"),
    };

    private static Indicator Cost(Random random)
    {
        var cost = random.Next(10, 500);
        return Make("成本指标", "单位服务成本", $"≤{cost}元", $"≤{cost}元");
    }

    private static Indicator Effect(Random random)
    {
        var subcategory = Pick(random, ["社会效益", "社会效益", "经济效益", "生态效益", "可持续影响"]);
        return random.Next(5) == 0
            ? Make(subcategory, "新增就业人数", $"≥{random.Next(0, 50)}人", $"≥{random.Next(50, 500)}人")
            : Make(subcategory, Pick(random, EffectNames), "较高", "较高");
    }

    private static Indicator Satisfaction(Random random)
    {
        var rate = random.Next(85, 100);
        return Make("服务对象满意度", "服务对象满意度", $"≥{rate}%", $"≥{rate}%");
    }

    /// <summary>Builds an indicator; a target the parser rejects is a bug in the generator, so it throws.</summary>
    private static Indicator Make(string subcategory, string name, string mid, string full)
    {
        var category = IndicatorTree.CategoryOfSubcategory[subcategory];
        return new Indicator(category, subcategory, name, TargetNotation.Parse(mid, name), TargetNotation.Parse(full, name));
    }

    private static string FullWidth(int number) =>
        string.Concat(number.ToString(CultureInfo.InvariantCulture).Select(ch => (char)(ch - '0' + '０')));

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
