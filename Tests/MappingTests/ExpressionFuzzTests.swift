import Foundation
import Mapping
import Testing
import Values

/// Mutated expressions, evaluated with tight limits: each either compiles and evaluates, or fails with a JSONata
/// error code; none crashes the process or runs past its time limit.
@Suite("JSONata fuzzing")
struct ExpressionFuzzTests {
    /// A small deterministic PRNG, so a failure can be replayed.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static let seeds = [
        #"$number(PRICE) > 0 ? {"sku": SKU, "price": $round($number(PRICE) * 100), "attrs": $merge(ATTRS.{k: v})} : undefined"#,
        #"Account.Order.Product[Price > 30].{"name": $uppercase(`Product Name`), "total": Price * Quantity}"#,
        #"$map([1..5], function($x, $i) { $x * $i }) ~> $reduce(function($a, $b) { $a + $b })"#,
        #"($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(5))"#,
        #"Phone[type='mobile'].number & " " & $substring(Email[0].address[0], 0, 3)"#,
        #"$sort(items, function($l, $r) { $l.price > $r.price })^(>price)[0..2]"#,
        #"$formatNumber(1234.5, '#,##0.00') & $fromMillis(0, '[Y0001]-[M01]-[D01]')"#,
        #"| $ | {"x": 1}, ["y"] |"#,
    ]

    static let pieces = [
        "(", ")", "[", "]", "{", "}", ".", ",", ";", "$", "*", "**", "%", "#", "@", "..", "?", ":", "~>",
        "&", "=", "!=", "<", "and", "or", "in", "'", "\"", "`", "function", "$x", "0", "-1", "1e308", "[]", "{}", "/a+/i",
        "$string(", "$sum(", "$each(", "$lookup(", "^(", "|", " ",
    ]

    @Test func mutatedExpressionsNeverCrashOrHang() {
        var random = SplitMix64(state: 20_261_129)
        let input = try! JSONParser.parse(
            #"{"SKU": "A", "PRICE": "12.50", "ATTRS": [{"k": "c", "v": "red"}], "items": [{"price": 3}, {"price": 1}],"#
                + #" "Account": {"Order": [{"Product": [{"Price": 40, "Quantity": 2, "Product Name": "x"}]}]}}"#)
        let options = EvaluationOptions(maxDepth: 100, timeLimit: .milliseconds(200))
        let clock = ContinuousClock()
        var compiled = 0
        var failed = 0
        for _ in 0..<3000 {
            var characters = Array(Self.seeds[random.below(Self.seeds.count)])
            for _ in 0..<(1 + random.below(4)) {
                let position = characters.isEmpty ? 0 : random.below(characters.count + 1)
                switch random.below(3) {
                case 0: characters.insert(contentsOf: Array(Self.pieces[random.below(Self.pieces.count)]), at: position)
                case 1: if position < characters.count { characters.remove(at: position) }
                default:
                    if position < characters.count {
                        characters[position] = Array(Self.pieces[random.below(Self.pieces.count)])[0]
                    }
                }
            }
            let source = String(characters)
            let start = clock.now
            do {
                let expression = try JSONataExpression(source)
                compiled += 1
                _ = try expression.evaluate(input, options: options)
            } catch {
                failed += 1
                #expect(!error.code.isEmpty, "\(source)")
            }
            // Time limit plus a margin for one slow built-in call: no evaluation may run away.
            #expect(clock.now - start < .seconds(2), "\(source)")
        }
        #expect(compiled > 300)
        #expect(failed > 300)
    }
}
