/// One `<option>` of a select list in a page context.
struct SelectOption: Encodable {
    let value: String
    let label: String
    var selected = false
}
