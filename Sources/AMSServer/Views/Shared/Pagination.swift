import Foundation

/// Page links for a list: which page, how many, and the query strings of the neighbours.
struct Pagination: Encodable {
    let page: Int
    let pageCount: Int
    let total: Int
    let previousQuery: String?
    let nextQuery: String?
    var offset: Int { (page - 1) * pageSize }
    private let pageSize: Int

    init(page requested: Int, pageSize: Int, total: Int, baseQuery: [String: String]) {
        self.pageSize = pageSize
        self.total = total
        self.pageCount = max(1, (total + pageSize - 1) / pageSize)
        self.page = min(max(1, requested), pageCount)
        func query(_ page: Int) -> String { QueryString.make(baseQuery, then: [("page", String(page))]) }
        self.previousQuery = page > 1 ? query(page - 1) : nil
        self.nextQuery = page < pageCount ? query(page + 1) : nil
    }

    enum CodingKeys: String, CodingKey { case page, pageCount, total, previousQuery, nextQuery }
}
