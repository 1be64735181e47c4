import Mapping
import Testing
import Values

@Suite struct ErrorTests {
    func error(_ source: String, input: JSONValue? = nil, options: EvaluationOptions = .init()) -> JSONataError? {
        do {
            _ = try JSONataExpression(source).evaluate(input, options: options)
            return nil
        } catch {
            return error
        }
    }

    /// Codes and positions as documented for JSONata (position = offset just past the offending token).
    @Test(arguments: [
        ("a.b.", "S0207"),
        ("(1 + 2", "S0203"),
        ("[1, 2", "S0203"),
        ("'unterminated", "S0101"),
        ("1 := 2", "S0212"),
        ("foo ]", "S0201"),
        ("$x.@.y", "S0211"),
    ])
    func syntaxErrorsHaveCodes(source: String, code: String) {
        #expect(error(source)?.code == code)
    }

    @Test func syntaxErrorCarriesPositionAndToken() throws {
        let e = try #require(error("Account.(Order"))
        #expect(e.code == "S0203")
        #expect(e.position == 14)
        #expect(e.description.hasPrefix("S0203 at position 14:"))
    }

    @Test func caretRenderingPointsAtTheToken() throws {
        let e = try #require(error("1 + foo ]"))
        #expect(e.code == "S0201")
        let rendered = e.rendered(in: "1 + foo ]")
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[0] == "1 + foo ]")
        #expect(lines[1] == "        ^")
        #expect(lines[2].hasPrefix("S0201 at position 9"))
    }

    @Test(arguments: [
        ("$substring('abc', 'x')", "T0410"),
        ("1 + 'a'", "T2002"),
        ("'a' + 1", "T2001"),
        ("1 < 'a'", "T2009"),
        ("$undefinedFunction()", "T1006"),
        ("[1,2] ~> 3", "T2006"),
        ("$number('abc')", "D3030"),
        ("$error('custom')", "D3137"),
        ("$single([1, 2])", "D3138"),
        ("{'a': 1, 'a': 2}", "D1009"),
    ])
    func evaluationErrorsHaveCodes(source: String, code: String) {
        #expect(error(source)?.code == code)
    }

    @Test func typeErrorNamesTheFunctionAndPosition() throws {
        let e = try #require(error("$substring(\"abc\", \"x\")"))
        #expect(e.code == "T0410")
        #expect(e.token == "substring")
        #expect(e.position == 11)
    }

    @Test(.timeLimit(.minutes(1)))
    func infiniteTailRecursionHitsTheTimeLimit() throws {
        let options = EvaluationOptions(maxDepth: 500, timeLimit: .milliseconds(200))
        let e = try #require(error("($f := function($x){$f($x)}; $f(1))", options: options))
        #expect(e.code == "U1001")
        #expect(e.message.contains("timeout"))
    }

    @Test(.timeLimit(.minutes(1)))
    func heavyLoopHitsTheTimeLimit() throws {
        let options = EvaluationOptions(maxDepth: 500, timeLimit: .milliseconds(200))
        let source = "$sum([1..1000000].($x := $; [1..1000].($ * $x)) )"
        let e = try #require(error(source, options: options))
        #expect(e.code == "U1001")
    }

    /// Uses the default limits on an ordinary test thread: the depth limit must trip before the native stack does.
    @Test func deepNonTailRecursionHitsTheDepthLimit() throws {
        let e = try #require(error("($f := function($n){ $n + $f($n + 1) }; $f(1))"))
        #expect(e.code == "U1001")
        #expect(e.message.contains("Stack overflow"))
    }

    @Test func depthLimitIsConfigurable() throws {
        let source = "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(30))"
        #expect(error(source, options: EvaluationOptions(maxDepth: 50))?.code == "U1001")
        #expect(try JSONataExpression(source).evaluate(nil, options: EvaluationOptions(maxDepth: 500)) == 30)
    }

    @Test func recursionWithinTheDepthLimitSucceeds() throws {
        let source = "($fact := function($n){ $n <= 1 ? 1 : $n * $fact($n - 1) }; $fact(10))"
        #expect(try JSONataExpression(source).evaluate(nil) == 3_628_800)
    }
}
