//! The rows of the contract's assessment table (考核评分表): their names and maximum points.

use serde::{Deserialize, Serialize};

/// One row of the assessment table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreItem {
    Personnel,
    FaultResponse,
    FaultArchive,
    DailyLedger,
    DatabaseArchive,
    QuarterlySummary,
    AssignedTasks,
    DataAnomaly,
    ServerReport,
    ComplaintsNotices,
}

impl ScoreItem {
    /// In the order of the contract's table.
    pub const ALL: [ScoreItem; 10] = [
        ScoreItem::Personnel,
        ScoreItem::FaultResponse,
        ScoreItem::FaultArchive,
        ScoreItem::DailyLedger,
        ScoreItem::DatabaseArchive,
        ScoreItem::QuarterlySummary,
        ScoreItem::AssignedTasks,
        ScoreItem::DataAnomaly,
        ScoreItem::ServerReport,
        ScoreItem::ComplaintsNotices,
    ];

    pub fn max(self) -> f64 {
        match self {
            ScoreItem::Personnel => 45.0,
            ScoreItem::FaultResponse => 15.0,
            ScoreItem::DataAnomaly => 3.0,
            ScoreItem::ServerReport => 2.0,
            ScoreItem::ComplaintsNotices => 10.0,
            _ => 5.0,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ScoreItem::Personnel => "人员管理",
            ScoreItem::FaultResponse => "故障响应及解决时间",
            ScoreItem::FaultArchive => "故障档案",
            ScoreItem::DailyLedger => "日台账",
            ScoreItem::DatabaseArchive => "数据库整理入库存档",
            ScoreItem::QuarterlySummary => "季度总结",
            ScoreItem::AssignedTasks => "交办任务",
            ScoreItem::DataAnomaly => "数据异常校核",
            ScoreItem::ServerReport => "服务器故障12小时内上报",
            ScoreItem::ComplaintsNotices => "投诉及安全通报",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ScoreItem::Personnel => "Personnel",
            ScoreItem::FaultResponse => "Fault response and resolution",
            ScoreItem::FaultArchive => "Fault archive",
            ScoreItem::DailyLedger => "Daily ledger",
            ScoreItem::DatabaseArchive => "Database archive",
            ScoreItem::QuarterlySummary => "Quarterly summary",
            ScoreItem::AssignedTasks => "Assigned tasks",
            ScoreItem::DataAnomaly => "Data anomaly checks",
            ScoreItem::ServerReport => "Server faults reported within 12 h",
            ScoreItem::ComplaintsNotices => "Complaints and security notices",
        }
    }
}
