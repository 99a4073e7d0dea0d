import LeafKit

/// A locale's localisation table as a page context's `t`.
///
/// Every page shows the whole table (`#(t.key)` in templates). Encoded through Leaf's encoder its nearly a thousand strings
/// would be turned into `LeafData` again on every page; Leaf takes a ``LeafDataRepresentable`` value as it is, so each
/// locale's table is made into `LeafData` once, here. Other encoders (JSON in tests) see the plain dictionary.
struct PageStrings: Encodable, LeafDataRepresentable {
    let locale: AppLocale

    private static let prepared: [AppLocale: LeafData] = Dictionary(uniqueKeysWithValues: AppLocale.allCases.map { locale in
        (locale, LeafData.dictionary(Localizer.strings(locale).mapValues(LeafData.string)))
    })

    var leafData: LeafData { Self.prepared[locale] ?? .dictionary([:]) }

    func encode(to encoder: any Encoder) throws {
        try Localizer.strings(locale).encode(to: encoder)
    }
}
