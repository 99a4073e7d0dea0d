extension QRCode {
    /// The module grid while a code is built: function patterns first (marked reserved), then data, mask, format.
    struct Matrix {
        let version: Int
        let size: Int
        var dark: [[Bool]]
        var reserved: [[Bool]]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: Array(repeating: false, count: size), count: size)
            reserved = dark
        }

        mutating func set(_ row: Int, _ column: Int, _ value: Bool) {
            dark[row][column] = value
            reserved[row][column] = true
        }

        mutating func placeFunctionPatterns() {
            // finder patterns with their separators, in three corners
            for (top, left) in [(0, 0), (0, size - 7), (size - 7, 0)] {
                for row in -1...7 {
                    for column in -1...7 {
                        let r = top + row, c = left + column
                        guard (0..<size).contains(r), (0..<size).contains(c) else { continue }
                        let ring = max(abs(row - 3), abs(column - 3))
                        set(r, c, (0...7).contains(row) && (0...7).contains(column) && ring != 2 && ring != 4)
                    }
                }
            }
            // timing patterns
            for index in 8..<(size - 8) {
                set(6, index, index % 2 == 0)
                set(index, 6, index % 2 == 0)
            }
            // alignment patterns, except the three that would sit on a finder (they may cross the timing patterns)
            let centers = QRCode.alignment[version - 1]
            let last = centers.count - 1
            for (i, row) in centers.enumerated() {
                for (j, column) in centers.enumerated() where !(i == 0 && j == 0) && !(i == 0 && j == last) && !(i == last && j == 0) {
                    for dr in -2...2 { for dc in -2...2 { set(row + dr, column + dc, max(abs(dr), abs(dc)) != 1) } }
                }
            }
            // the dark module, and room for the format information
            set(size - 8, 8, true)
            for index in 0..<9 {
                if !reserved[8][index] { set(8, index, false) }
                if !reserved[index][8] { set(index, 8, false) }
            }
            for index in 0..<8 {
                set(8, size - 1 - index, false)
                if !reserved[size - 1 - index][8] { set(size - 1 - index, 8, false) }
            }
            // version information (version 7 and up): 18 bits, BCH(18, 6)
            if version >= 7 {
                var remainder = version
                for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
                let bits = version << 12 | remainder
                for index in 0..<18 {
                    let bit = (bits >> index) & 1 == 1
                    set(index / 3, size - 11 + index % 3, bit)
                    set(size - 11 + index % 3, index / 3, bit)
                }
            }
        }

        /// Codeword bits in the zigzag order: column pairs from the right, upwards and downwards in turn, skipping
        /// the vertical timing column.
        mutating func placeData(_ codewords: [UInt8]) {
            var bitIndex = 0
            let totalBits = codewords.count * 8
            var column = size - 1
            var upwards = true
            while column > 0 {
                if column == 6 { column -= 1 }
                for step in 0..<size {
                    let row = upwards ? size - 1 - step : step
                    for c in [column, column - 1] where !reserved[row][c] {
                        if bitIndex < totalBits {
                            dark[row][c] = (codewords[bitIndex / 8] >> (7 - bitIndex % 8)) & 1 == 1
                        }
                        bitIndex += 1
                    }
                }
                upwards.toggle()
                column -= 2
            }
        }

        static func masked(_ mask: Int, _ row: Int, _ column: Int) -> Bool {
            switch mask {
            case 0: return (row + column) % 2 == 0
            case 1: return row % 2 == 0
            case 2: return column % 3 == 0
            case 3: return (row + column) % 3 == 0
            case 4: return (row / 2 + column / 3) % 2 == 0
            case 5: return (row * column) % 2 + (row * column) % 3 == 0
            case 6: return ((row * column) % 2 + (row * column) % 3) % 2 == 0
            default: return ((row + column) % 2 + (row * column) % 3) % 2 == 0
            }
        }

        mutating func applyMask(_ mask: Int) {
            for row in 0..<size { for column in 0..<size where !reserved[row][column] && Self.masked(mask, row, column) { dark[row][column].toggle() } }
        }

        /// Format information: level M (00) and the mask, BCH(15, 5), XOR 0x5412, in both copies.
        mutating func placeFormat(mask: Int) {
            let data = 0b00 << 3 | mask
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            let bits = (data << 10 | remainder) ^ 0x5412
            func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
            // first copy, around the top-left finder
            for index in 0...5 { dark[index][8] = bit(index) }
            dark[7][8] = bit(6)
            dark[8][8] = bit(7)
            dark[8][7] = bit(8)
            for index in 9..<15 { dark[8][14 - index] = bit(index) }
            // second copy, split between the top-right and bottom-left finders
            for index in 0..<8 { dark[8][size - 1 - index] = bit(index) }
            for index in 8..<15 { dark[size - 15 + index][8] = bit(index) }
            dark[size - 8][8] = true
        }

        /// The standard's four penalty rules: runs of five or more, 2×2 blocks, finder-like patterns, dark balance.
        func penalty() -> Int {
            var score = 0
            for line in 0..<size {
                for horizontal in [true, false] {
                    var runColor = false, runLength = 0
                    var window: [Bool] = []
                    for index in 0..<size {
                        let value = horizontal ? dark[line][index] : dark[index][line]
                        if index > 0, value == runColor { runLength += 1 } else {
                            if runLength >= 5 { score += 3 + runLength - 5 }
                            runColor = value
                            runLength = 1
                        }
                        window.append(value)
                        if window.count > 11 { window.removeFirst() }
                        if window.count == 11, window == Self.finderLike || window == Self.finderLike.reversed() { score += 40 }
                    }
                    if runLength >= 5 { score += 3 + runLength - 5 }
                }
            }
            var darkCount = 0
            for row in 0..<size {
                for column in 0..<size {
                    if dark[row][column] { darkCount += 1 }
                    if row < size - 1, column < size - 1 {
                        let value = dark[row][column]
                        if dark[row][column + 1] == value, dark[row + 1][column] == value, dark[row + 1][column + 1] == value { score += 3 }
                    }
                }
            }
            let percent = darkCount * 100 / (size * size)
            score += abs(percent - 50) / 5 * 10
            return score
        }

        static let finderLike: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
    }
}
