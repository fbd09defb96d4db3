/// The three exports FollowThrough reads.
public enum ExportKind: String, Sendable, CaseIterable {
    case workOrders = "work_orders"
    case recommendations
    case people

    /// Canonical column names, in the order the documentation lists them.
    public var columns: [String] {
        switch self {
        case .workOrders:
            ["work_order_id", "site_id", "site_name", "customer_name", "site_address", "technician_id",
             "status", "scheduled_start", "completed_at", "resolves"]
        case .recommendations:
            ["recommendation_id", "work_order_id", "site_id", "asset", "description", "priority",
             "estimated_value", "status", "created_at", "last_activity_at", "recommended_by", "sales_owner", "quote_id"]
        case .people:
            ["person_id", "name", "email", "role", "manager_id"]
        }
    }

    /// Columns that must be present in the header.
    public var requiredColumns: [String] {
        switch self {
        case .workOrders: ["work_order_id", "site_id", "technician_id", "status", "scheduled_start"]
        case .recommendations: ["recommendation_id", "site_id", "description", "status", "created_at"]
        case .people: ["person_id", "email"]
        }
    }

    /// Columns whose values may be mapped through `values` in config.
    public var mappableColumns: [String] {
        switch self {
        case .workOrders: ["status"]
        case .recommendations: ["status", "priority"]
        case .people: ["role"]
        }
    }
}

/// How one export file is laid out: renamed columns, mapped values, delimiter and date layout.
public struct ExportOptions: Sendable, Equatable {
    /// Canonical column name → header used in the file.
    public var columns: [String: String]
    /// Canonical column name → (value in the file → canonical value).
    public var values: [String: [String: String]]
    public var delimiter: UInt8
    public var datePattern: DatePattern?

    public init(columns: [String: String] = [:], values: [String: [String: String]] = [:],
                delimiter: UInt8 = UInt8(ascii: ","), datePattern: DatePattern? = nil) {
        self.columns = columns; self.values = values; self.delimiter = delimiter; self.datePattern = datePattern
    }

    /// The header expected in the file for a canonical column.
    public func header(for column: String) -> String { columns[column] ?? column }
}
