import Mapping
import Testing
import Values

@Suite struct ExpressionTests {
    static let order: JSONValue = [
        "customer": "Acme",
        "lines": [
            ["sku": "A1", "qty": 2, "price": 10.5],
            ["sku": "B2", "qty": 1, "price": 4],
            ["sku": "A1", "qty": 3, "price": 10.5],
        ],
    ]

    /// Expected values follow the JSONata documentation (docs.jsonata.org), not this implementation.
    @Test(
        arguments: [
            ("customer", #""Acme""#),
            ("lines.sku", #"["A1","B2","A1"]"#),
            ("lines[0].qty", "2"),
            ("lines[-1].qty", "3"),
            ("lines[qty > 1].sku", #"["A1","A1"]"#),
            ("$sum(lines.(qty * price))", "56.5"),
            ("lines{sku: $sum(qty)}", #"{"A1":5,"B2":1}"#),
            ("lines^(>qty).qty", "[3,2,1]"),
            ("$count(lines)", "3"),
            ("lines#$i[$i = 1].sku", #""B2""#),
            ("lines@$l.$l.sku", #"["A1","B2","A1"]"#),
            ("[1..4]", "[1,2,3,4]"),
            ("customer & ' Ltd'", #""Acme Ltd""#),
            ("'b' in ['a', 'b']", "true"),
            ("lines[0].qty = 2 ? 'two' : 'other'", #""two""#),
            ("$map([1, 2, 3], function($v) { $v * 2 })", "[2,4,6]"),
            ("($inc := function($x) { $x + 1 }; $inc(41))", "42"),
            ("($add := function($a, $b) { $a + $b }; $add5 := $add(?, 5); $add5(1))", "6"),
            ("$uppercase('x') ~> $lowercase()", #""x""#),
            ("$ ~> |lines|{'total': qty * price}, ['price']|", nil),
            ("nothing ?? 'fallback'", #""fallback""#),
            ("'' ?: 'empty'", #""empty""#),
            ("$substring('Hello World', 3, 5)", #""lo Wo""#),
            ("$formatNumber(1234.5678, '#,##0.00')", #""1,234.57""#),
            ("$formatInteger(1999, 'I')", #""MCMXCIX""#),
            ("$fromMillis(0)", #""1970-01-01T00:00:00.000Z""#),
            ("$toMillis('1970-01-02T00:00:00Z')", "86400000"),
            ("$replace('abcabc', /b(c)/, '[$1]')", #""a[c]a[c]""#),
            ("**.sku", #"["A1","B2","A1"]"#),
            ("lines.%.customer", #"["Acme","Acme","Acme"]"#),
            ("nothing", nil),
        ] as [(String, String?)])
    func evaluates(source: String, expected: String?) throws {
        let result = try JSONataExpression(source).evaluate(Self.order)
        if source.hasPrefix("$ ~> |") {
            // The transform keeps every line but replaces `price` with `total`.
            let totals = try JSONataExpression("lines.total").evaluate(result)
            #expect(totals == [21, 4, 31.5])
            #expect(try JSONataExpression("lines.price").evaluate(result) == nil)
            return
        }
        if let expected {
            #expect(result == (try JSONParser.parse(expected)))
        } else {
            #expect(result == nil)
        }
    }

    @Test func bindingsAreVisibleAsVariables() throws {
        let result = try JSONataExpression("$rate * 2").evaluate(nil, bindings: ["rate": 1.5])
        #expect(result == 3)
    }

    @Test func transformsNeverChangeTheInput() throws {
        let input: JSONValue = ["a": ["b": 1]]
        let expression = try JSONataExpression("($x := $ ~> |a|{'b': 2}|; [$x.a.b, a.b])")
        #expect(try expression.evaluate(input) == [2, 1])
        #expect(input == ["a": ["b": 1]])
    }

    @Test func compiledExpressionIsReusableAcrossThreads() async throws {
        let expression = try JSONataExpression("{'double': n * 2}")
        try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            for n in 0..<8 { group.addTask { try expression.evaluate(["n": .number(Double(n))]) } }
            var results: [JSONValue] = []
            for try await result in group { results.append(try #require(result)) }
            #expect(results.count == 8)
            #expect(results.contains(["double": 14]))
        }
    }

    @Test func rootArrayIsAddressableWithDollar() throws {
        #expect(try JSONataExpression("$[1]").evaluate([10, 20, 30]) == 20)
    }
}
