import Fluent
import Foundation

extension QueryBuilder {
    /// Only the rows that come after (`time`, `id`) in the order (`key`, id) — ascending, or descending when
    /// `descending` — as a keyset page asks: the plain bound first (PostgreSQL starts its index range there; it does
    /// not from the OR alone), then the OR that breaks ties by id.
    @discardableResult
    func after<Field: QueryableProperty>(_ key: KeyPath<Model, Field>, _ time: Field.Value, id: Model.IDValue,
                                         descending: Bool) -> Self where Field.Model == Model {
        if descending {
            return filter(key <= time).group(.or) { either in
                either.filter(key < time).group(.and) { $0.filter(key == time).filter(\._$id < id) }
            }
        }
        return filter(key >= time).group(.or) { either in
            either.filter(key > time).group(.and) { $0.filter(key == time).filter(\._$id > id) }
        }
    }
}
