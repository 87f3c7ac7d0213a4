// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AbstractModule} from "./AbstractModule.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./IComplianceModule.sol";

/// @title ResidentAreaModule
/// @notice Resident-participation municipal bonds (住民参加型市場公募地方債): recipients must live, or work
/// (a firm: have an office), in one of the issuing local governments, and, if the issue says so, be adults.
/// Each is a claim on the recipient's ONCHAINID from an issuer the identity registry trusts for that topic.
/// @dev Area topics derive from the 6-digit local government code (全国地方公共団体コード): residence
/// topic = RESIDENCE_TOPIC_BASE + code, workplace topic = WORKPLACE_TOPIC_BASE + code (so "resides in
/// Shinjuku-ku, 131041" is topic 100131041). A joint issue lists up to MAX_AREAS areas and a recipient
/// qualifies through any one of them. With no area configured nobody qualifies (the rule fails closed).
/// Senders are not checked: a holder who moved away may still sell.
contract ResidentAreaModule is AbstractModule {
    /// @notice Residence claim topics are this base plus the local government code.
    uint256 public constant RESIDENCE_TOPIC_BASE = 100_000_000;
    /// @notice Workplace (or office) claim topics are this base plus the local government code.
    uint256 public constant WORKPLACE_TOPIC_BASE = 200_000_000;
    /// @notice Most areas per compliance (each costs up to two claim look-ups per check).
    uint256 public constant MAX_AREAS = 8;

    /// @notice Residents and workers of `localGovernmentCode` now qualify under `compliance`.
    event ResidentAreaAdded(address indexed compliance, uint32 indexed localGovernmentCode);
    /// @notice Residents and workers of `localGovernmentCode` no longer qualify under `compliance`.
    event ResidentAreaRemoved(address indexed compliance, uint32 indexed localGovernmentCode);
    /// @notice The adult claim topic required under `compliance` changed (zero: no age rule).
    event ResidentAdultTopicSet(address indexed compliance, uint256 adultTopic);

    /// @notice The code is not a valid 6-digit local government code (prefecture 01..47, check digit).
    error ResidentAreaInvalidCode(uint32 localGovernmentCode);
    /// @notice No more areas can be configured.
    error ResidentAreasLimitReached(uint256 max);
    /// @notice The area is not configured under `compliance`.
    error ResidentAreaNotConfigured(address compliance, uint32 localGovernmentCode);

    struct AreaRule {
        uint32[] areas;
        uint256 adultTopic;
    }

    mapping(address compliance => AreaRule rule) private _rules;

    /// @notice Lets residents and workers of `localGovernmentCode` receive units under the calling
    /// compliance, and sets the adult claim topic required of every recipient.
    /// @dev Calling it again for a configured area only sets the adult topic.
    /// Requirements: caller is a bound compliance; the code is valid; fewer than MAX_AREAS areas if new.
    /// Emits {ResidentAreaAdded} if the area is new, and {ResidentAdultTopicSet}.
    /// @param localGovernmentCode the 6-digit code with its check digit (e.g. 131041).
    /// @param adultTopic_ the claim topic proving adulthood, or zero for no age rule.
    function setArea(uint32 localGovernmentCode, uint256 adultTopic_) external onlyBoundCompliance {
        _requireValidCode(localGovernmentCode);
        AreaRule storage rule = _rules[msg.sender];
        if (_indexOf(rule.areas, localGovernmentCode) == type(uint256).max) {
            if (rule.areas.length >= MAX_AREAS) revert ResidentAreasLimitReached(MAX_AREAS);
            rule.areas.push(localGovernmentCode);
            emit ResidentAreaAdded(msg.sender, localGovernmentCode);
        }
        rule.adultTopic = adultTopic_;
        emit ResidentAdultTopicSet(msg.sender, adultTopic_);
    }

    /// @notice Stops letting residents and workers of `localGovernmentCode` receive units under the
    /// calling compliance (holders keep their units).
    /// @dev Requirements: caller is a bound compliance; the area is configured. Emits {ResidentAreaRemoved}.
    /// @param localGovernmentCode the code to remove.
    function removeArea(uint32 localGovernmentCode) external onlyBoundCompliance {
        uint32[] storage list = _rules[msg.sender].areas;
        uint256 index = _indexOf(list, localGovernmentCode);
        if (index == type(uint256).max) revert ResidentAreaNotConfigured(msg.sender, localGovernmentCode);
        list[index] = list[list.length - 1];
        list.pop();
        emit ResidentAreaRemoved(msg.sender, localGovernmentCode);
    }

    /// @notice The areas configured under `compliance`.
    /// @param compliance the compliance asked about.
    /// @return the local government codes, in no guaranteed order.
    function areas(address compliance) external view returns (uint32[] memory) {
        return _rules[compliance].areas;
    }

    /// @notice The adult claim topic required under `compliance` (zero: no age rule).
    /// @param compliance the compliance asked about.
    /// @return the topic.
    function adultTopic(address compliance) external view returns (uint256) {
        return _rules[compliance].adultTopic;
    }

    /// @notice The claim topic "resides in `localGovernmentCode`".
    /// @dev Requirements: the code is valid.
    /// @param localGovernmentCode the 6-digit code.
    /// @return RESIDENCE_TOPIC_BASE + code.
    function residenceTopic(uint32 localGovernmentCode) external pure returns (uint256) {
        _requireValidCode(localGovernmentCode);
        return RESIDENCE_TOPIC_BASE + localGovernmentCode;
    }

    /// @notice The claim topic "works (or has an office) in `localGovernmentCode`".
    /// @dev Requirements: the code is valid.
    /// @param localGovernmentCode the 6-digit code.
    /// @return WORKPLACE_TOPIC_BASE + code.
    function workplaceTopic(uint32 localGovernmentCode) external pure returns (uint256) {
        _requireValidCode(localGovernmentCode);
        return WORKPLACE_TOPIC_BASE + localGovernmentCode;
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "ResidentAreaModule";
    }

    /// @dev Claims are asked of the context's registry.
    function _check(
        address,
        address to,
        uint256,
        address compliance,
        TransferContext memory context
    ) internal view override returns (bool) {
        AreaRule storage rule = _rules[compliance];
        uint32[] memory codes = rule.areas;
        if (codes.length == 0) return false;
        uint256 adult = rule.adultTopic;
        if (adult != 0 && !context.registry.hasValidClaim(to, adult)) return false;
        for (uint256 i = 0; i < codes.length; ++i) {
            if (context.registry.hasValidClaim(to, RESIDENCE_TOPIC_BASE + codes[i])) return true;
            if (context.registry.hasValidClaim(to, WORKPLACE_TOPIC_BASE + codes[i])) return true;
        }
        return false;
    }

    function _contextNeeds() internal pure override returns (uint8) {
        return CONTEXT_INVESTOR;
    }

    /// @dev Position of `code` in `list`, or type(uint256).max if absent (the list is capped at MAX_AREAS).
    function _indexOf(uint32[] storage list, uint32 code) private view returns (uint256) {
        uint256 length = list.length;
        for (uint256 i = 0; i < length; ++i) {
            if (list[i] == code) return i;
        }
        return type(uint256).max;
    }

    function _requireValidCode(uint32 code) private pure {
        if (!_isValidCode(code)) revert ResidentAreaInvalidCode(code);
    }

    /// @dev A 6-digit local government code: prefecture (JIS X 0401) 01..47, three municipality digits,
    /// and a check digit = (11 - S mod 11) mod 10 with S = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5.
    function _isValidCode(uint32 code) private pure returns (bool) {
        if (code > 999_999) return false;
        uint32 prefecture = code / 10_000;
        if (prefecture == 0 || prefecture > 47) return false;
        uint32 digits = code / 10;
        uint32 sum = 0;
        // d5 carries weight 2, d4 weight 3, ... d1 weight 6.
        for (uint32 weight = 2; weight <= 6; ++weight) {
            sum += (digits % 10) * weight;
            digits /= 10;
        }
        return (11 - (sum % 11)) % 10 == code % 10;
    }
}
