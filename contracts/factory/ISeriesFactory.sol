// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModularCompliance} from "../compliance/IModularCompliance.sol";
import {ISecurityToken} from "../token/ISecurityToken.sol";

/// @title ISeriesFactory
/// @notice Creates token series in one transaction: a token and its own compliance, each a beacon proxy,
/// bound to the shared identity registry. Upgrading a beacon upgrades every series at once.
interface ISeriesFactory {
    /// @notice What a new series needs.
    struct SeriesParams {
        address owner;
        string name;
        string symbol;
        uint8 decimals;
        address onchainID;
        ISecurityToken.RoleGrant[] tokenRoles;
        address[] complianceAgents;
        IModularCompliance.ModuleSetup[] modules;
    }

    /// @notice A series was created. The factory keeps no list: this event (and each token's `compliance()`)
    /// is the record, which keeps a new series to two deployments and their initialization.
    event SeriesCreated(
        address indexed token,
        address indexed compliance,
        address indexed owner,
        string name,
        string symbol
    );
    /// @notice New series will use `identityRegistry`.
    event IdentityRegistrySet(address indexed identityRegistry);

    /// @notice A zero address was given.
    error SeriesFactoryZeroAddress();

    /// @notice Creates a series.
    /// @dev Requirements: caller has SERIES_DEPLOYER; nonzero owner. Emits {SeriesCreated}.
    /// @return token the new token proxy.
    /// @return compliance the new compliance proxy.
    function createSeries(SeriesParams calldata params) external returns (address token, address compliance);

    /// @notice Sets the identity registry new series bind to.
    /// @dev Requirements: caller is the owner; nonzero. Emits {IdentityRegistrySet}.
    function setIdentityRegistry(address identityRegistry) external;

    /// @notice The beacon every token series follows.
    function tokenBeacon() external view returns (address);

    /// @notice The beacon every compliance follows.
    function complianceBeacon() external view returns (address);

    /// @notice The identity registry new series bind to.
    function identityRegistry() external view returns (address);
}
