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

    @Test("the signed-in home page renders byte for byte as pinned")
    func homePage() throws {
        let library = try TemplateLibrary(directory: Self.templatesDirectory)
        let output = library.render("home", Self.signedInHome)
        #expect(output == Self.expectedHome)
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
        let library = try TemplateLibrary(directory: Self.templatesDirectory)
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

    /// `templates/` of the package, found by walking up from this file.
    static let templatesDirectory: String = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { break }
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("templates").path
    }()

    /// `templates/home.html` in `layout.html` for `signedInHome`.
    static let expectedHome = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Home · Gatehouse</title>
          <link rel="icon" href="/static/gatehouse.svg" type="image/svg+xml">
          <link rel="stylesheet" href="/static/bulma.min.css">
          <link rel="stylesheet" href="/static/gatehouse.css">
        </head>
        <body>
          <nav class="navbar is-dark" aria-label="main navigation">
            <div class="container">
              <input class="navbar-toggle" id="navbar-toggle" type="checkbox" aria-label="Show the menu">
              <div class="navbar-brand">
                <a class="navbar-item brand" href="/">
                  <img src="/static/gatehouse.svg" alt="" width="28" height="28">
                  <span>Gatehouse</span>
                </a>
                <label class="navbar-burger" for="navbar-toggle" aria-hidden="true">
                  <span></span><span></span><span></span>
                </label>
              </div>
              <div class="navbar-menu">
                <div class="navbar-start">
                  <a class="navbar-item is-active" href="/">Home</a>
                  <a class="navbar-item" href="/account">Account</a>
                  
                  
                </div>
                <div class="navbar-end">
                  <div class="navbar-item navbar-user">Signed in as&nbsp;<strong>ann</strong></div>
                  <div class="navbar-item">
                    <form method="post" action="/auth/logout">
                      <input type="hidden" name="csrf_token" value="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ">
                      <button class="button is-light is-small" type="submit">Sign out</button>
                    </form>
                  </div>
                </div>
              </div>
            </div>
          </nav>
          <main class="section">
            <div class="container">
              <div class="page-header">
                <h1 class="title is-3">Welcome, Ann!</h1>
                <p class="subtitle is-6">You are signed in as <strong>ann</strong>.</p>
              </div>
              <div class="box">
                <h2 class="title is-6 mb-3">Your scopes</h2>
                <div class="tags mb-2">
                  <span class="tag is-info is-light">read</span><span class="tag is-info is-light">write</span>
                </div>
                <p class="help">Scopes decide which pages and protected sites you may open.</p>
              </div>
              <div class="columns is-multiline">
                <div class="column is-one-third-desktop is-half-tablet">
                  <a class="box link-card" href="/account">
                    <h2 class="title is-5">Your account</h2>
                    <p>Change your password and see where you are signed in.</p>
                  </a>
                </div>
              </div>

            </div>
          </main>
          <footer class="site-footer">
            <div class="container">
              <p><strong>Gatehouse</strong> · sign-in for sites behind nginx</p>
              <p>One cookie, <code>session</code>, keeps you signed in; it holds no personal data.</p>
            </div>
          </footer>
        </body>
        </html>

        """
}
