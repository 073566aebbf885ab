using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Import;

/// <summary>The twelve real target tables of the seed import to the expected model (DOMAIN §2).</summary>
public sealed partial class SeedImportTests
{
    private static readonly Lazy<List<TableImport>> Imported = new(TestFiles.ImportSeed);

    private static TargetTable Table(string project) =>
        Imported.Value.Single(i => i.Table?.Project.Name == project).Table!;

    [Fact]
    public void Import_Seed_GivesTwelveTablesWithoutErrors()
    {
        var imports = Imported.Value;

        Assert.All(imports, i => Assert.Empty(i.Errors));
        Assert.Equal(TestFiles.SeedProjects, imports.Select(i => i.Table!.Project.Name));
    }

    [Fact]
    public void Import_Seed_ReportsTheTitleLineOfEachTable()
    {
        Assert.Equal([3, 51, 99, 147, 195, 243, 291, 339, 387, 435, 483, 531], Imported.Value.Select(i => i.Line));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Import_EverySeedProject_HasFifteenIndicators(string project)
    {
        Assert.Equal(15, Table(project).Indicators.Count);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Import_EverySeedProject_HasTheOneDepartmentsHeader(string project)
    {
        var p = Table(project).Project;

        Assert.Equal(2026, p.Year);
        Assert.Equal(project, p.Name);
        Assert.Equal("南通市科学技术局", p.Department);
        Assert.Equal("南通市科学技术局", p.ImplementingUnit);
        Assert.Equal("常年安排项目", p.ProjectType);
        Assert.Equal("市本级", p.GovernmentLevel);
        Assert.Equal("2026", p.StartYear);
        Assert.Equal("2026", p.EndYear);
    }

    [Theory]
    [InlineData("“通创荟”和科技招商经费专项", "")]
    [InlineData("物业管理费", "00")]
    [InlineData("网络设备设施运行与维护费", "")]
    [InlineData("水电费补差", "0")]
    [InlineData("科创办推进专项", "")]
    [InlineData("办公设备购置", "00")]
    [InlineData("科技创新双月例会专项", "")]
    [InlineData("科研机构建设专项", "")]
    [InlineData("引进国外智力专项", "00")]
    [InlineData("科技创新体系建设专项", "00")]
    [InlineData("高新技术发展专项", "00")]
    [InlineData("产学研合作交流专项", "00")]
    public void Import_ContactCell_IsTakenAsWrittenOrEmpty(string project, string contact)
    {
        Assert.Equal(contact, Table(project).Project.Contact);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Import_EverySeedProject_HasAllFiveTextsWithoutTags(string project)
    {
        var p = Table(project).Project;
        string[] texts = [p.Necessity, p.Feasibility, p.Content, p.LongTermGoal, p.AnnualGoal];

        Assert.All(texts, t =>
        {
            Assert.NotEqual("", t);
            Assert.DoesNotContain("<p>", t);
            Assert.DoesNotContain("</p>", t);
            Assert.Equal(t.Trim(), t);
        });
    }

    [Fact]
    public void Import_TextInParagraphTags_IsStrippedOfThem()
    {
        var p = Table("“通创荟”和科技招商经费专项").Project;

        Assert.Equal(
            "“通创荟”创新创业大赛等活动已成为创新创业服务的平台、科技招商的平台、企业融资对接的平台，对于营造更加优质的创新创业生态、打造优良的营商环境有着重要的促进作用。市委市政府高度重视科技招商工作，科技创新双月例会上多次围绕科创项目招引工作进行工作部署。",
            p.Feasibility);
        Assert.Equal(
            "全市创新创业生态持续优化，30家以上科技型企业落户南通，1000家以上企业通过国家科技型中小企业入库评价，300家以上企业成长为高新技术企业。组织科技招商人员技能评比；组织2场科技招商专题活动；联动板块、园区招引一批科创项目。",
            p.AnnualGoal);
        Assert.Equal(
            "促进更多高校、科研院所的科技成果来通转移转化，提升企业对产学研协同创新工作的重视程度，不断加大研发资金和人员投入，促进全社会研发投入强度省考指标提升。企业创新能力不断加强，创新水平有较大幅度提升，新产品、新技术不断开发，加速培育和发展新质生产力，从而推动我市重点产业的转型升级。",
            Table("产学研合作交流专项").Project.AnnualGoal);
    }

    [Fact]
    public void Import_PlainTexts_AreKeptAsWritten()
    {
        Assert.Equal("主要包含局机关年度物业费、人员停车费，机关2517.03*3.5元/平方.月*12=105715.32元；停车服务费40辆*200元*12=96000元",
            Table("物业管理费").Project.Content);
        Assert.Equal("确保办公场所整洁", Table("物业管理费").Project.LongTermGoal);
        Assert.Equal("确保办公正常运转, 费用不拖欠", Table("水电费补差").Project.Necessity);
    }

    [Fact]
    public void Import_AnnualGoalAfterABlankLineAndAnEmptyCell_IsRead()
    {
        Assert.Equal(
            "全年完成5场次政策宣讲，完成科技档案全部数字化整理和入馆；组织开展市县联动送科技下乡重点活动不少于6次；申报省科技人才、省科学技术奖励和市重大成果转化项目数达60个以上，获得立项数达20个；企业研发投入水平不断提升，创新能力不断加强，支持引导企业创新发展，夯实企业创新主体地位，持续开展新产品、新技术的研发活动，增强核心竞争力，激发企业创新活力，进一步推动我市重点产业的转型升级，加快建成更高水平创新型城市、实现经济社会高质量发展。",
            Table("科技创新体系建设专项").Project.AnnualGoal);
    }

    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        foreach (var p in TestFiles.SeedProjects)
            data.Add(p);
        return data;
    }
}
