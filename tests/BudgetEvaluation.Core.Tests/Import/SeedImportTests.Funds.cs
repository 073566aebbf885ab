using System.Globalization;

namespace BudgetEvaluation.Core.Tests.Import;

public sealed partial class SeedImportTests
{
    [Theory]
    [InlineData("“通创荟”和科技招商经费专项", "135", "13.5", "135")]
    [InlineData("物业管理费", "19.53", "0", "19.53")]
    [InlineData("网络设备设施运行与维护费", "31.39", "15", "31.39")]
    [InlineData("水电费补差", "6.2", "2.48", "6.2")]
    [InlineData("科创办推进专项", "93", "18.6", "93")]
    [InlineData("办公设备购置", "14.5", "0", "14.5")]
    [InlineData("科技创新双月例会专项", "60", "5", "60")]
    [InlineData("科研机构建设专项", "17.8", "3.56", "17.8")]
    [InlineData("引进国外智力专项", "11", "1.65", "11")]
    [InlineData("科技创新体系建设专项", "43.6", "8.72", "43.6")]
    [InlineData("高新技术发展专项", "27", "1.6", "27")]
    [InlineData("产学研合作交流专项", "27", "2.16", "27")]
    public void Import_EverySeedProject_HasExactFunds(string project, string total, string midYearPlannedSpend, string annualBudget)
    {
        var funds = Table(project).Project.Funds;

        Assert.Equal(decimal.Parse(total, CultureInfo.InvariantCulture), funds.Total);
        Assert.Equal(decimal.Parse(midYearPlannedSpend, CultureInfo.InvariantCulture), funds.MidYearPlannedSpend);
        Assert.Equal(decimal.Parse(annualBudget, CultureInfo.InvariantCulture), funds.AnnualBudget);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Import_EverySeedProject_IsFundedFromTheGeneralBudgetOnly(string project)
    {
        var funds = Table(project).Project.Funds;

        Assert.Equal(funds.Total, funds.FiscalAppropriation);
        Assert.Equal(funds.Total, funds.GeneralBudget);
        // Blank cells stay null; a written 0 is 0.
        Assert.Null(funds.GovernmentFund);
        Assert.Null(funds.SpecialAccount);
        Assert.Null(funds.StateCapital);
        Assert.Equal(0m, funds.SocialSecurityFund);
        Assert.Equal(0m, funds.CarriedOver);
        Assert.Equal(0m, funds.Other);
    }

    [Fact]
    public void Import_SpendingRowWithoutAnnualBudget_TakesTotalFunds()
    {
        // 办公设备购置's spending header has no 全年(程) 预算数 cell; its 资金总额 is 14.5.
        var funds = Table("办公设备购置").Project.Funds;

        Assert.Equal(14.5m, funds.AnnualBudget);
        Assert.Equal(0m, funds.MidYearPlannedSpend);
    }

    [Fact]
    public void Import_FundsInAShiftedColumn_AreRead()
    {
        // 科技创新双月例会专项 writes its amounts one column further right than the other tables.
        var funds = Table("科技创新双月例会专项").Project.Funds;

        Assert.Equal(60m, funds.Total);
        Assert.Equal(0m, funds.Other);
    }
}
