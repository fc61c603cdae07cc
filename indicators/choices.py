from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LEVEL = "level", _("水平值")
    FLOW = "flow", _("年度流量")
    CUMULATIVE = "cumulative", _("累计值")
    GROWTH = "growth", _("增长率")
    MILESTONE = "milestone", _("里程碑")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Attribute(models.TextChoices):
    NATIONAL = "国家指标", _("国家指标")
    SELF_CHOSEN = "自选指标", _("自选指标")
    EXPECTED = "预期性", _("预期性指标")


class Comparator(models.TextChoices):
    GTE = ">=", "≥"
    LTE = "<=", "≤"
    EQ = "=", "="
    GT = ">", ">"
    LT = "<", "<"
    BETWEEN = "between", _("区间")
    TEXT = "", _("文字状态")


class Concept(models.TextChoices):
    """Measures shared by several plans, so districts can be compared (fixtures/FORMAT.md)."""

    INVENTION_PER_10K = "invention_per_10k", _("每万人发明专利拥有量")
    HIGH_VALUE_INVENTION_PER_10K = "high_value_invention_per_10k", _("每万人口高价值发明专利拥有量")
    VALID_INVENTION_PATENTS = "valid_invention_patents", _("有效发明专利量")
    VALID_PATENTS = "valid_patents", _("有效专利量")
    PATENT_APPLICATIONS = "patent_applications", _("专利申请量")
    PCT_APPLICATIONS = "pct_applications", _("PCT国际专利申请量")
    TRADEMARKS = "trademarks", _("有效注册商标量")
    TRADEMARKS_PER_100_ENTITIES = "trademarks_per_100_entities", _("每百户市场主体有效注册商标量")
    GEOGRAPHICAL_INDICATIONS = "geographical_indications", _("地理标志产品")
    PLEDGE_FINANCING = "pledge_financing", _("知识产权质押融资")
    IP_FINANCED_FIRMS = "ip_financed_firms", _("知识产权融资企业")
    SECURITIZATION = "securitization", _("知识产权证券化产品")
    CERTIFICATION = "certification", _("知识产权管理规范贯标认证")
    CUSTODY = "custody", _("中小微企业知识产权托管")
    PATENT_NAVIGATION = "patent_navigation", _("专利导航项目")
    TRANSFER_LICENSE = "transfer_license", _("知识产权转让、许可")
    TECH_CONTRACT_VALUE = "tech_contract_value", _("专利技术合同成交额")
    OPERATION_CENTER = "operation_center", _("产业知识产权运营中心")
    SERVICE_CLUSTER = "service_cluster", _("知识产权服务业集聚区")
    TRAINING = "training", _("知识产权培训人次")
    ENFORCEMENT_CASES = "enforcement_cases", _("维权援助、调解、执法办案量")
    IP_FUND = "ip_fund", _("知识产权运营基金")
    IP_ADVANTAGE_FIRMS = "ip_advantage_firms", _("知识产权优势/示范企业")
    UNIV_PATENT_TRANSFER_SMES = "univ_patent_transfer_smes", _("成功转化高校院所专利技术的中小企业")
    REGIONAL_BRANDS = "regional_brands", _("区域商标品牌")
    RISK_COMPENSATION_FUND = "risk_compensation_fund", _("知识产权融资风险补偿资金")
