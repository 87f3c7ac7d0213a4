// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {Roles} from "../access/Roles.sol";
import {ModularCompliance} from "../compliance/ModularCompliance.sol";
import {ISecurityToken} from "../token/ISecurityToken.sol";
import {SecurityToken} from "../token/SecurityToken.sol";
import {ISeriesFactory} from "./ISeriesFactory.sol";

/// @title SeriesFactory
/// @notice One transaction creates a series (token + compliance + configured modules). Both contracts are
/// beacon proxies, so a series costs two small deployments, and the beacon owner upgrades all series of
/// one kind at once.
contract SeriesFactory is ISeriesFactory, AccessControlDefaultAdminRules {
    UpgradeableBeacon private immutable _tokenBeacon;
    UpgradeableBeacon private immutable _complianceBeacon;
    address private _identityRegistry;

    /// @param owner_ owns the factory and both beacons (the upgrade authority).
    /// @param tokenImplementation the SecurityToken implementation.
    /// @param complianceImplementation the ModularCompliance implementation.
    /// @param identityRegistry_ the shared identity registry.
    constructor(
        address owner_,
        address tokenImplementation,
        address complianceImplementation,
        address identityRegistry_
    ) AccessControlDefaultAdminRules(0, owner_) {
        if (identityRegistry_ == address(0)) revert SeriesFactoryZeroAddress();
        _tokenBeacon = new UpgradeableBeacon(tokenImplementation, owner_);
        _complianceBeacon = new UpgradeableBeacon(complianceImplementation, owner_);
        _identityRegistry = identityRegistry_;
        emit IdentityRegistrySet(identityRegistry_);
    }

    /// @inheritdoc ISeriesFactory
    function createSeries(
        SeriesParams calldata params
    ) external onlyRole(Roles.SERIES_DEPLOYER) returns (address token, address compliance) {
        if (params.owner == address(0)) revert SeriesFactoryZeroAddress();
        compliance = address(
            new BeaconProxy(
                address(_complianceBeacon),
                abi.encodeCall(ModularCompliance.initialize, (params.owner, params.complianceAgents, params.modules))
            )
        );
        token = address(
            new BeaconProxy(
                address(_tokenBeacon),
                abi.encodeCall(
                    SecurityToken.initialize,
                    (
                        ISecurityToken.TokenInit({
                            owner: params.owner,
                            name: params.name,
                            symbol: params.symbol,
                            decimals: params.decimals,
                            identityRegistry: _identityRegistry,
                            compliance: compliance,
                            onchainID: params.onchainID,
                            grants: params.tokenRoles
                        })
                    )
                )
            )
        );
        emit SeriesCreated(token, compliance, params.owner, params.name, params.symbol);
    }

    /// @inheritdoc ISeriesFactory
    function setIdentityRegistry(address identityRegistry_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (identityRegistry_ == address(0)) revert SeriesFactoryZeroAddress();
        _identityRegistry = identityRegistry_;
        emit IdentityRegistrySet(identityRegistry_);
    }

    /// @inheritdoc ISeriesFactory
    function tokenBeacon() external view returns (address) {
        return address(_tokenBeacon);
    }

    /// @inheritdoc ISeriesFactory
    function complianceBeacon() external view returns (address) {
        return address(_complianceBeacon);
    }

    /// @inheritdoc ISeriesFactory
    function identityRegistry() external view returns (address) {
        return _identityRegistry;
    }
}
