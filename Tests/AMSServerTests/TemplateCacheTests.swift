@testable import AMSServer
import Foundation
import Leaf
import LeafKit
import Testing
import VaporTesting

/// Leaf's own view provider switches its template cache off in Vapor's development environment, the one `ams serve`
/// runs in when started without `--env`: every page read and parsed its templates from disk again. AMS decides
/// itself (``AppConfiguration/keepsParsedTemplates``: release builds), whatever the environment.
@Suite("Templates: parsed once where kept")
struct TemplateCacheTests {
    @Test(arguments: [true, false])
    func theTemplateCacheFollowsTheSettingInTheDevelopmentEnvironment(keeps: Bool) async throws {
        try await TestApp.with(.sqlite, tweak: { $0.keepsParsedTemplates = keeps }, environment: .development) { t in
            let cache = try #require(t.app.leaf.cache as? DefaultLeafCache)
            #expect(cache.count == 0)
            let page = try await t.browser().get("/login")
            #expect(page.status == .ok && page.body.string.contains("<form"))
            #expect(cache.isEnabled == keeps)
            #expect(keeps ? cache.count > 0 : cache.count == 0, "\(cache.count) templates kept")
        }
    }
}
