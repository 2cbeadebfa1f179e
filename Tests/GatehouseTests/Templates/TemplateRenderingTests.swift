import Foundation
import Gatehouse
import Testing

/// Rendering through the compiled programs: the real pages, recursion, inheritance
/// and the render-time budgets.
@Suite("Template rendering")
struct TemplateRenderingTests {
    /// The view model `RequestContext.page` builds for a signed-in `GET /`.
    static let signedInHome: TemplateValue = [
        "greeting": "Ann", "username": "ann", "scopes": ["read", "write"],
        "csrf_token": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
        "user": ["username": "ann", "is_admin": false, "is_super": false],
    ]

    @Test("the signed-in home page renders the real templates line for line")
    func homePage() throws {
        let output = RepoTemplates.library.render("home", Self.signedInHome)
        let expected = try ExpectedPage(page: RepoTemplates.source("home"), layout: RepoTemplates.source("layout"), shown: [
            "user": true, "flash": false, "scopes": true, "user.is_admin": false, "user.is_super": false,
        ])
        expected.check(output)
        // The values, where the lines above only pinned the text around them.
        let lines = ExpectedPage.split(output).map { $0.trimmingCharacters(in: .whitespaces) }
        for line in [
            "<title>Home · Gatehouse</title>",
            "<a class=\"navbar-item is-active\" href=\"/\">Home</a>",
            "<a class=\"navbar-item\" href=\"/account\">Account</a>",
            "<div class=\"navbar-item navbar-user\">Signed in as&nbsp;<strong>ann</strong></div>",
            "<input type=\"hidden\" name=\"csrf_token\" value=\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ\">",
            "<h1 class=\"title is-3\">Welcome, Ann!</h1>",
            "<p class=\"subtitle is-6\">You are signed in as <strong>ann</strong>.</p>",
            "<span class=\"tag is-info is-light\">read</span><span class=\"tag is-info is-light\">write</span>",
        ] {
            #expect(lines.contains(line), "\(line)")
        }
        // The admin and super links are inline sections: their lines stay, empty.
        #expect(lines.filter(\.isEmpty).count == 3)
        #expect(!output.contains("/admin") && !output.contains("/super") && !output.contains("{{"))
    }

    @Test("an admin's home page without scopes shows the admin cards and escapes every value")
    func adminHomePage() throws {
        let model: TemplateValue = [
            "greeting": "<Ann & \"co\">", "username": "ann'", "scopes": [],
            "csrf_token": "t", "flash": ["kind": "success", "text": "Saved <b>"],
            "user": ["username": "ann'", "is_admin": true, "is_super": true],
        ]
        let output = RepoTemplates.library.render("home", model)
        let expected = try ExpectedPage(page: RepoTemplates.source("home"), layout: RepoTemplates.source("layout"), shown: [
            "user": true, "flash": true, "scopes": false, "user.is_admin": true, "user.is_super": true,
        ])
        expected.check(output)
        #expect(output.contains("Welcome, &lt;Ann &amp; &quot;co&quot;&gt;!"))
        #expect(output.contains("<strong>ann&#39;</strong>"))
        #expect(output.contains(">Saved &lt;b&gt;</div>"))
        #expect(output.contains("href=\"/admin\">Admin</a>") && output.contains("href=\"/super\">Super</a>"))
    }

    @Test("a recursive partial renders every level, each indented further")
    func recursivePartial() throws {
        let library = try TemplateLibrary(sources: [
            "node": "{{name}}\n{{#kids}}\n  {{>node}}\n{{/kids}}\n",
            "tree": "<tree>\n{{>node}}\n</tree>\n",
            "layout": "<main>\n  {{$content}}\n  {{/content}}\n</main>\n",
            "page": "{{<layout}}\n{{$content}}\n{{>node}}\n{{/content}}\n{{/layout}}\n",
        ])
        let tree: TemplateValue = [
            "name": "a",
            "kids": [["name": "b", "kids": [["name": "c", "kids": []]]], ["name": "d", "kids": []]],
        ]
        #expect(library.render("tree", tree) == "<tree>\na\n  b\n    c\n  d\n</tree>\n")
        // The same recursion inside a layout's standalone block takes the block's indentation.
        #expect(library.render("page", tree) == "<main>\n  a\n    b\n      c\n    d\n</main>\n")
    }

    @Test("in a chain of parents the page's blocks win and the middle template fills the rest")
    func inheritanceChain() throws {
        let library = try TemplateLibrary(sources: [
            "base": "<title>{{$title}}Base{{/title}}</title>{{$body}}-{{/body}}",
            "mid": "{{<base}}{{$title}}Mid{{/title}}{{$body}}[{{$inner}}mid-inner{{/inner}}]{{/body}}{{/base}}",
            "leaf": "{{<mid}}{{$title}}Leaf {{name}}{{/title}}{{$inner}}leaf-inner{{/inner}}{{/mid}}",
        ])
        #expect(library.render("leaf", ["name": "<x>"]) == "<title>Leaf &lt;x&gt;</title>[leaf-inner]")
        #expect(library.render("mid", [:]) == "<title>Mid</title>[mid-inner]")
        #expect(library.render("base", [:]) == "<title>Base</title>-")
    }

    @Test("a page renders the same every time and for every model")
    func repeatedRenders() throws {
        let library = RepoTemplates.library
        let first = library.render("home", Self.signedInHome)
        #expect(library.render("home", Self.signedInHome) == first)
        var admin = Self.signedInHome
        if case .object(var fields) = admin {
            fields["user"] = ["username": "ann", "is_admin": true, "is_super": false]
            fields["scopes"] = []
            admin = .object(fields)
        }
        let output = library.render("home", admin)
        #expect(output.contains("href=\"/admin\">Admin</a>"))
        #expect(output.contains("You have no scopes yet."))
        #expect(!output.contains("href=\"/super\""))
    }

    @Test("a partial in a long list stops rendering once the expansion budget is spent")
    func expansionBudgetInList() throws {
        let library = try TemplateLibrary(sources: ["row": "r", "rows": "{{#items}}{{>row}}{{/items}}"])
        let output = library.render("rows", ["items": .list(Array(repeating: 1, count: 10_050))])
        #expect(output == String(repeating: "r", count: 10_000))
    }
}
