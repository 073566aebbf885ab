namespace BudgetEvaluation.Core.Tests.Import;

/// <summary>The indicator trees of five seed projects, written out literally: 一级|二级|三级|半年指标值|全年指标值.</summary>
public sealed partial class SeedImportTests
{
    private static string[] Rows(string project) =>
        Table(project).Indicators
            .Select(i => $"{i.Category}|{i.Subcategory}|{i.Name}|{i.MidYearTarget.Text}|{i.YearEndTarget.Text}")
            .ToArray();

    [Fact]
    public void Import_TongChuangHui_HasItsIndicatorsInTableOrder()
    {
        // The table puts 决策 on its third row (a merged cell), and its 制度执行有效性 row lacks the 二级 cell.
        Assert.Equal(
        [
            "决策|项目立项|立项程序规范性|规范|规范",
            "决策|项目立项|立项依据充分性|充分|充分",
            "决策|绩效目标|绩效指标明确性|明确|明确",
            "决策|绩效目标|绩效目标合理性|合理|合理",
            "决策|资金投入|资金分配合理性|合理|合理",
            "决策|资金投入|预算编制科学性|科学|科学",
            "过程|资金管理|资金到位率|序时进度|100%",
            "过程|资金管理|资金使用合规性|合规|合规",
            "过程|资金管理|预算执行率|=10%|=100%",
            "过程|组织实施|管理制度健全性|健全|健全",
            "过程|组织实施|制度执行有效性|有效|有效",
            "产出指标|数量指标|招引科创项目数|≥900个|≥1800个",
            "产出指标|质量指标|组织科技招商专题活动|≥1场|≥2场",
            "产出指标|时效指标|科创大赛省赛和国赛获奖数|≥0个|≥10个",
            "效益指标|社会效益|对落实创新驱动发展战略的推动程度|较高|较高",
        ], Rows("“通创荟”和科技招商经费专项"));
    }

    [Fact]
    public void Import_OfficeEquipment_HasItsIndicatorsInTableOrder()
    {
        // 办公设备购置 has an extra empty column in its indicator header and keeps "台、件、套、 项" with its space.
        Assert.Equal(
        [
            "决策|项目立项|立项依据充分性|充分|充分",
            "决策|项目立项|立项程序规范性|规范|规范",
            "决策|绩效目标|绩效指标明确性|明确|明确",
            "决策|绩效目标|绩效目标合理性|合理|合理",
            "决策|资金投入|资金分配合理性|合理|合理",
            "决策|资金投入|预算编制科学性|科学|科学",
            "过程|资金管理|资金使用合规性|合规|合规",
            "过程|资金管理|资金到位率|序时进度|100%",
            "过程|资金管理|预算执行率|=0%|=100%",
            "过程|组织实施|管理制度健全性|健全|健全",
            "过程|组织实施|制度执行有效性|有效|有效",
            "产出指标|数量指标|设备购置采购数量|≥0台、件、套、 项|≥37台、件、套、 项",
            "产出指标|质量指标|设备购置验收合格率|=100%|=100%",
            "产出指标|时效指标|经费支出时效性|≤50%|≤100%",
            "效益指标|社会效益|建立合理科学的资产配置制度，健全资产管护机制|较高|较高",
        ], Rows("办公设备购置"));
    }

    [Fact]
    public void Import_BimonthlyMeeting_HasItsIndicatorsInTableOrder()
    {
        // A page break (blank line) falls inside 决策; the rows after it keep their subcategory.
        Assert.Equal(
        [
            "决策|项目立项|立项程序规范性|规范|规范",
            "决策|项目立项|立项依据充分性|充分|充分",
            "决策|绩效目标|绩效目标合理性|合理|合理",
            "决策|绩效目标|绩效指标明确性|明确|明确",
            "决策|资金投入|预算编制科学性|科学|科学",
            "决策|资金投入|资金分配合理性|合理|合理",
            "过程|资金管理|预算执行率|=8%|=100%",
            "过程|资金管理|资金到位率|序时进度|100%",
            "过程|资金管理|资金使用合规性|合规|合规",
            "过程|组织实施|制度执行有效性|有效|有效",
            "过程|组织实施|管理制度健全性|健全|健全",
            "产出指标|数量指标|组织科技创新双月例会场次|≤1场|≤3场",
            "产出指标|质量指标|达成合作项目数|≥10个|≥20个",
            "产出指标|时效指标|科技合作|在平台、载体、园区、基金、项目上启动合作|在平台、载体、园区、基金、项目上深化合作",
            "效益指标|社会效益|促进科技创新和产业创新深度融合|较高|较高",
        ], Rows("科技创新双月例会专项"));
    }

    [Fact]
    public void Import_NetworkMaintenance_HasItsIndicatorsInTableOrder()
    {
        Assert.Equal(
        [
            "决策|项目立项|立项依据充分性|充分|充分",
            "决策|项目立项|立项程序规范性|规范|规范",
            "决策|绩效目标|绩效指标明确性|明确|明确",
            "决策|绩效目标|绩效目标合理性|合理|合理",
            "决策|资金投入|预算编制科学性|科学|科学",
            "决策|资金投入|资金分配合理性|合理|合理",
            "过程|资金管理|预算执行率|=48%|=100%",
            "过程|资金管理|资金使用合规性|合规|合规",
            "过程|资金管理|资金到位率|序时进度|100%",
            "过程|组织实施|制度执行有效性|有效|有效",
            "过程|组织实施|管理制度健全性|健全|健全",
            "产出指标|数量指标|等保测评及安全运维服务成果|=1项报告、应急预案报告、安全巡检报告|=3项报告、应急预案报告、安全巡检报告",
            "产出指标|质量指标|信息系统日常维护合格率|=95%|=95%",
            "产出指标|时效指标|等保测评及安全运维周期|≤1年|≤1年",
            "效益指标|经济效益|对信息系统可用性及稳定性的改善或提升程度|较高|较高",
        ], Rows("网络设备设施运行与维护费"));
    }

    [Fact]
    public void Import_HighTech_HasItsIndicatorsInTableOrder()
    {
        // After the page break the 资金分配合理性 row has neither category nor subcategory cell.
        Assert.Equal(
        [
            "决策|项目立项|立项依据充分性|充分|充分",
            "决策|项目立项|立项程序规范性|规范|规范",
            "决策|绩效目标|绩效目标合理性|合理|合理",
            "决策|绩效目标|绩效指标明确性|明确|明确",
            "决策|资金投入|预算编制科学性|科学|科学",
            "决策|资金投入|资金分配合理性|合理|合理",
            "过程|资金管理|预算执行率|=6%|=100%",
            "过程|资金管理|资金使用合规性|合规|合规",
            "过程|资金管理|资金到位率|序时进度|100%",
            "过程|组织实施|制度执行有效性|有效|有效",
            "过程|组织实施|管理制度健全性|健全|健全",
            "产出指标|数量指标|高企申报数|≥600个|≥2000个",
            "产出指标|质量指标|科创项目认定数|≥800个|≥1800个",
            "产出指标|时效指标|高企、科创项目申报进度|≥50%|≥100%",
            "效益指标|社会效益|形成“泛科技型企业库-科技型中小企业库-‘小升高’培育企业库-高新技术企业库-重点科创企业培育库”五级梯次培育库|较高|较高",
        ], Rows("高新技术发展专项"));
    }

    [Fact]
    public void Import_EmptySubcategories_GiveNoIndicator()
    {
        // Every seed table lists 成本指标 and 服务对象满意度 without an indicator under them.
        Assert.All(Imported.Value, i =>
        {
            Assert.DoesNotContain(i.Table!.Indicators, x => x.Subcategory is "成本指标" or "服务对象满意度");
            Assert.DoesNotContain(i.Table!.Indicators, x => x.Category == "满意度指标");
        });
    }
}
