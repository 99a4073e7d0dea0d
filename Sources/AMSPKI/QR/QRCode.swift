import Foundation

/// A QR code (ISO/IEC 18004) of some bytes, for the visible signature's link: byte mode, error correction level M,
/// the smallest version from 1 to 10 that holds the data, the mask with the lowest penalty. No library on the
/// registries makes one, so AMS carries this encoder; zbar (Debian `zbar-tools`) reads its codes back in the tests.
public struct QRCode: Sendable {
    /// Modules, row by row; true is dark.
    public let modules: [[Bool]]
    public let version: Int
    public var size: Int { modules.count }

    public enum Failure: Error, Sendable, Equatable {
        /// More than version 10 at level M holds (213 bytes).
        case tooLong(Int)
    }

    /// Data codewords per version at level M, and the error-correction codewords per block and the blocks' sizes.
    static let layout: [(data: Int, ecPerBlock: Int, blocks: [Int])] = [
        (16, 10, [16]), (28, 16, [28]), (44, 26, [44]), (64, 18, [32, 32]), (86, 24, [43, 43]),
        (108, 16, [27, 27, 27, 27]), (124, 18, [31, 31, 31, 31]), (154, 22, [38, 38, 39, 39]),
        (182, 22, [36, 36, 36, 37, 37]), (216, 26, [43, 43, 43, 43, 44]),
    ]
    static let alignment: [[Int]] = [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]]

    public init(_ data: [UInt8]) throws {
        // the smallest version whose capacity holds mode (4 bits), count (8 or 16) and the bytes
        guard let version = (1...10).first(where: { v in 4 + (v < 10 ? 8 : 16) + data.count * 8 <= Self.layout[v - 1].data * 8 }) else {
            throw Failure.tooLong(data.count)
        }
        self.version = version
        let codewords = Self.codewords(data, version: version)
        var best: (penalty: Int, modules: [[Bool]])?
        for mask in 0..<8 {
            var matrix = Matrix(version: version)
            matrix.placeFunctionPatterns()
            matrix.placeData(codewords)
            matrix.applyMask(mask)
            matrix.placeFormat(mask: mask)
            let penalty = matrix.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, matrix.dark) }
        }
        modules = best!.modules
    }

    /// Data codewords (mode, count, bytes, terminator, padding) split into blocks, each with its Reed–Solomon
    /// codewords, interleaved as the standard lays them out.
    static func codewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let (capacity, ecCount, blocks) = layout[version - 1]
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) } }
        append(0b0100, 4)
        append(data.count, version < 10 ? 8 : 16)
        for byte in data { append(Int(byte), 8) }
        append(0, min(4, capacity * 8 - bits.count))
        while bits.count % 8 != 0 { bits.append(false) }
        var bytes: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<(start + 8)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while bytes.count < capacity { bytes.append(pad); pad = pad == 0xEC ? 0x11 : 0xEC }
        var dataBlocks: [[UInt8]] = []
        var offset = 0
        for length in blocks {
            dataBlocks.append(Array(bytes[offset..<(offset + length)]))
            offset += length
        }
        let ecBlocks = dataBlocks.map { ReedSolomon.remainder($0, degree: ecCount) }
        var result: [UInt8] = []
        for index in 0..<(blocks.max() ?? 0) { for block in dataBlocks where index < block.count { result.append(block[index]) } }
        for index in 0..<ecCount { for block in ecBlocks { result.append(block[index]) } }
        return result
    }
}
