// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IModularCompliance} from "../compliance/IModularCompliance.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";

/// @title IERC3643
/// @notice The ERC-3643 (T-REX) permissioned token interface: an ERC-20 whose holders are verified
/// identities and whose transfers obey a compliance contract; agents pause, freeze, force, recover,
/// mint and burn. Names and signatures follow the standard so that T-REX clients work unchanged.
interface IERC3643 is IERC20 {
    /// @notice Name, symbol, decimals, version or onchainID changed.
    event UpdatedTokenInformation(
        string newName,
        string newSymbol,
        uint8 newDecimals,
        string newVersion,
        address newOnchainID
    );
    /// @notice The identity registry changed.
    event IdentityRegistryAdded(address indexed identityRegistry);
    /// @notice The compliance changed.
    event ComplianceAdded(address indexed compliance);
    /// @notice A lost wallet's position moved to a new wallet of the same identity.
    event RecoverySuccess(address indexed lostWallet, address indexed newWallet, address indexed investorOnchainID);
    /// @notice A wallet was frozen or unfrozen by `owner` (the agent).
    event AddressFrozen(address indexed userAddress, bool indexed isFrozen, address indexed owner);
    /// @notice `amount` more units of `userAddress` are frozen.
    event TokensFrozen(address indexed userAddress, uint256 amount);
    /// @notice `amount` units of `userAddress` are no longer frozen.
    event TokensUnfrozen(address indexed userAddress, uint256 amount);
    /// @notice Holder transfers were paused by `userAddress`.
    event Paused(address userAddress);
    /// @notice Holder transfers were resumed by `userAddress`.
    event Unpaused(address userAddress);

    /// @notice Sets the token name.
    /// @dev Requirements: caller is the owner. Emits {UpdatedTokenInformation}.
    function setName(string calldata name) external;

    /// @notice Sets the token symbol.
    /// @dev Requirements: caller is the owner. Emits {UpdatedTokenInformation}.
    function setSymbol(string calldata symbol) external;

    /// @notice Sets the token's own ONCHAINID.
    /// @dev Requirements: caller is the owner. Emits {UpdatedTokenInformation}.
    function setOnchainID(address onchainID) external;

    /// @notice Stops holder-initiated transfers (agents keep minting, burning, forcing and recovering).
    /// @dev Requirements: caller has PAUSE_AGENT; not paused. Emits {Paused}.
    function pause() external;

    /// @notice Resumes holder-initiated transfers.
    /// @dev Requirements: caller has PAUSE_AGENT; paused. Emits {Unpaused}.
    function unpause() external;

    /// @notice Freezes or unfreezes a whole wallet: a frozen wallet neither sends nor receives transfers.
    /// @dev Requirements: caller has FREEZE_AGENT. Emits {AddressFrozen}.
    function setAddressFrozen(address userAddress, bool freeze) external;

    /// @notice Freezes `amount` units of `userAddress`: they cannot be transferred, burned or forced away.
    /// @dev Requirements: caller has FREEZE_AGENT; frozen total stays within the balance. Emits {TokensFrozen}.
    function freezePartialTokens(address userAddress, uint256 amount) external;

    /// @notice Unfreezes `amount` units of `userAddress`.
    /// @dev Requirements: caller has FREEZE_AGENT; `amount` at most the frozen amount. Emits {TokensUnfrozen}.
    function unfreezePartialTokens(address userAddress, uint256 amount) external;

    /// @notice Sets the identity registry.
    /// @dev Requirements: caller is the owner; nonzero. Emits {IdentityRegistryAdded}.
    function setIdentityRegistry(address identityRegistry) external;

    /// @notice Sets the compliance, unbinding the old one and binding the new one.
    /// @dev Requirements: caller is the owner; nonzero. Emits {ComplianceAdded}.
    function setCompliance(address compliance) external;

    /// @notice Moves free units without the holder's signature; the recipient must be verified, the
    /// compliance records the move but is not asked. Frozen units never move this way.
    /// @dev Requirements: caller has TRANSFER_AGENT. Emits {Transfer}.
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool);

    /// @notice Issues `amount` units to a verified `to`, within every compliance rule for mints.
    /// @dev Requirements: caller has SUPPLY_AGENT. Emits {Transfer} from zero.
    function mint(address to, uint256 amount) external;

    /// @notice Retires `amount` free units of `userAddress`.
    /// @dev Requirements: caller has SUPPLY_AGENT; enough free units. Emits {Transfer} to zero.
    function burn(address userAddress, uint256 amount) external;

    /// @notice Moves the whole position of `lostWallet` (balance, frozen units, wallet freeze) to
    /// `newWallet`, which must be registered to the same identity; the lost wallet is then frozen.
    /// @dev Requirements: caller has RECOVERY_AGENT. Emits {RecoverySuccess}.
    function recoveryAddress(address lostWallet, address newWallet, address investorOnchainID) external returns (bool);

    /// @notice {transfer} to many recipients; all or nothing.
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external;

    /// @notice {forcedTransfer} many times; all or nothing.
    function batchForcedTransfer(
        address[] calldata fromList,
        address[] calldata toList,
        uint256[] calldata amounts
    ) external;

    /// @notice {mint} many times; all or nothing.
    function batchMint(address[] calldata toList, uint256[] calldata amounts) external;

    /// @notice {burn} many times; all or nothing.
    function batchBurn(address[] calldata userAddresses, uint256[] calldata amounts) external;

    /// @notice {setAddressFrozen} many times; all or nothing.
    function batchSetAddressFrozen(address[] calldata userAddresses, bool[] calldata freeze) external;

    /// @notice {freezePartialTokens} many times; all or nothing.
    function batchFreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external;

    /// @notice {unfreezePartialTokens} many times; all or nothing.
    function batchUnfreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external;

    /// @notice The token's own ONCHAINID.
    function onchainID() external view returns (address);

    /// @notice The implementation version.
    function version() external view returns (string memory);

    /// @notice The identity registry.
    function identityRegistry() external view returns (IIdentityRegistry);

    /// @notice The compliance.
    function compliance() external view returns (IModularCompliance);

    /// @notice Whether holder transfers are paused.
    function paused() external view returns (bool);

    /// @notice Whether the whole wallet is frozen.
    function isFrozen(address userAddress) external view returns (bool);

    /// @notice How many units of `userAddress` are frozen.
    function getFrozenTokens(address userAddress) external view returns (uint256);
}
