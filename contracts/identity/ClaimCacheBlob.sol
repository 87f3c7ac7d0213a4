// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ClaimCacheBlob
/// @notice The cached claims of one identity, kept as the code of a small data contract (written once
/// with CREATE, read with one EXTCODECOPY), so a transfer reads every topic's cached claim for the price of
/// one cold account access instead of three storage slots per topic.
/// @dev The data contract's code is a STOP byte followed by fixed 128-byte entries:
/// topic (32) | issuer (20) | generation (8) | epoch (3) | v (1) | r (32) | s (32).
library ClaimCacheBlob {
    /// @notice Bytes per cached claim.
    uint256 internal constant ENTRY_SIZE = 128;

    /// @notice One cached claim.
    struct Entry {
        uint256 topic;
        address issuer;
        uint64 generation;
        uint24 epoch;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice The data contract could not be created.
    error ClaimCacheBlobWriteFailed();

    /// @dev The entries stored at `blob` (empty for the zero address).
    function read(address blob) internal view returns (bytes memory entries) {
        if (blob == address(0)) return entries;
        assembly ("memory-safe") {
            let length := sub(extcodesize(blob), 1)
            entries := mload(0x40)
            mstore(entries, length)
            extcodecopy(blob, add(entries, 0x20), 1, length)
            mstore(0x40, add(add(entries, 0x20), length))
        }
    }

    /// @dev Byte offset of the entry for `topic` in `entries`, or type(uint256).max.
    function find(bytes memory entries, uint256 topic) internal pure returns (uint256 offset) {
        uint256 length = entries.length;
        for (offset = 0; offset < length; offset += ENTRY_SIZE) {
            uint256 entryTopic;
            assembly ("memory-safe") {
                entryTopic := mload(add(add(entries, 0x20), offset))
            }
            if (entryTopic == topic) return offset;
        }
        return type(uint256).max;
    }

    /// @dev Topic of the entry at `offset`.
    function topicAt(bytes memory entries, uint256 offset) internal pure returns (uint256 topic) {
        assembly ("memory-safe") {
            topic := mload(add(add(entries, 0x20), offset))
        }
    }

    /// @dev Issuer of the entry at `offset`.
    function issuerAt(bytes memory entries, uint256 offset) internal pure returns (address issuer) {
        uint256 word;
        assembly ("memory-safe") {
            word := mload(add(add(entries, 0x40), offset))
        }
        issuer = address(uint160(word >> 96));
    }

    /// @dev Issuer, generation and epoch of the entry at `offset`.
    function header(
        bytes memory entries,
        uint256 offset
    ) internal pure returns (address issuer, uint64 generation, uint24 epoch) {
        uint256 word;
        assembly ("memory-safe") {
            word := mload(add(add(entries, 0x40), offset))
        }
        issuer = address(uint160(word >> 96));
        generation = uint64(word >> 32);
        epoch = uint24(word >> 8);
    }

    /// @dev Asks `issuer` whether it revoked the signature of the entry at `offset`, building the
    /// `isClaimRevoked(bytes)` call straight from the cached entry (no intermediate copy). `answered` is
    /// false when the issuer reverted or returned something other than one word.
    function isRevokedAt(
        address issuer,
        bytes memory entries,
        uint256 offset,
        bytes4 selector
    ) internal view returns (bool answered, bool revoked) {
        assembly ("memory-safe") {
            let entry := add(add(entries, 0x20), offset)
            let data := mload(0x40)
            mstore(data, selector)
            mstore(add(data, 0x04), 0x20) // offset of the bytes argument
            mstore(add(data, 0x24), 65) // its length
            mstore(add(data, 0x44), mload(add(entry, 0x40))) // r
            mstore(add(data, 0x64), mload(add(entry, 0x60))) // s
            mstore(add(data, 0x84), 0) // v and zero padding up to 96 bytes
            mstore8(add(data, 0x84), and(mload(add(entry, 0x20)), 0xff))
            let ok := staticcall(gas(), issuer, data, 0xa4, 0x00, 0x20)
            answered := and(ok, eq(returndatasize(), 0x20))
            if answered {
                let word := mload(0x00)
                answered := lt(word, 2)
                revoked := eq(word, 1)
            }
        }
    }

    /// @dev Decodes every entry.
    function decode(bytes memory entries) internal pure returns (Entry[] memory decoded) {
        uint256 count = entries.length / ENTRY_SIZE;
        decoded = new Entry[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 offset = i * ENTRY_SIZE;
            uint256 topic;
            bytes32 r;
            bytes32 s;
            assembly ("memory-safe") {
                let entry := add(add(entries, 0x20), offset)
                topic := mload(entry)
                r := mload(add(entry, 0x40))
                s := mload(add(entry, 0x60))
            }
            (address issuer, uint64 generation, uint24 epoch) = header(entries, offset);
            uint8 v;
            assembly ("memory-safe") {
                v := and(mload(add(add(add(entries, 0x20), offset), 0x20)), 0xff)
            }
            decoded[i] = Entry(topic, issuer, generation, epoch, v, r, s);
        }
    }

    /// @dev Encodes `count` entries of `list`.
    function encode(Entry[] memory list, uint256 count) internal pure returns (bytes memory entries) {
        for (uint256 i = 0; i < count; ++i) {
            Entry memory e = list[i];
            entries = bytes.concat(entries, abi.encodePacked(e.topic, e.issuer, e.generation, e.epoch, e.v, e.r, e.s));
        }
    }

    /// @dev Stores `entries` as the code of a new data contract and returns its address.
    function write(bytes memory entries) internal returns (address blob) {
        // Creation code: PUSH2 size, DUP1, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN;
        // it returns the STOP byte and the entries that follow it as the new contract's code.
        bytes memory creation = abi.encodePacked(
            hex"61",
            uint16(entries.length + 1),
            hex"80600a3d393df3",
            hex"00",
            entries
        );
        assembly ("memory-safe") {
            blob := create(0, add(creation, 0x20), mload(creation))
        }
        if (blob == address(0)) revert ClaimCacheBlobWriteFailed();
    }
}
