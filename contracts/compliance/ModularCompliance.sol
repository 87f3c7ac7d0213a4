// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRulesUpgradeable} from "@openzeppelin/contracts-upgradeable/access/extensions/AccessControlDefaultAdminRulesUpgradeable.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {Roles} from "../access/Roles.sol";
import {IComplianceHooksListener, IModularCompliance} from "./IModularCompliance.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./modules/IComplianceModule.sol";
import {TransferContexts} from "./modules/TransferContexts.sol";

/// @title ModularCompliance
/// @notice The transfer rules of one token series. Deployed behind a beacon proxy per series.
/// @dev Each module sits in one slot with the hook mask it declared. The first slot also holds, for the
/// two transfer hooks, which module indexes declared them, so a holder transfer reads the slots of the
/// modules that listen to transfers only, and a token with no modules pays for one SLOAD. A module that
/// both checks and records an operation is called once for both
/// ({IComplianceModule-moduleCheckAndActionWithContext}).
contract ModularCompliance is IModularCompliance, AccessControlDefaultAdminRulesUpgradeable {
    /// @notice Most modules per compliance (bounds every transfer's loop).
    uint256 public constant MAX_MODULES = 25;

    struct ModuleSlot {
        address module;
        uint8 hooks;
    }

    /// @dev `checkTransferModules` and `actionTransferModules`: bit i set when `modules[i]` declared
    /// CHECK_TRANSFER, respectively ACTION_TRANSFER (25 bits each; they share the first slot with the token).
    /// @custom:storage-location erc7201:kosai.storage.ModularCompliance
    struct ComplianceStorage {
        address token;
        uint8 moduleCount;
        uint32 checkTransferModules;
        uint32 actionTransferModules;
        ModuleSlot[MAX_MODULES] modules;
    }

    /// @dev Where the {TransferContext} starts in the data of {checkAndRecordWithContext} (after the
    /// selector and four words) and of {checkTransferWithContext} (after the selector and three words).
    uint256 private constant CONTEXT_WITH_CHECK = 132;
    uint256 private constant CONTEXT_WITHOUT_CHECK = 100;

    // keccak256(abi.encode(uint256(keccak256("kosai.storage.ModularCompliance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x8b82982460a429bb0fd0e93421be58a2d107ab5fcdc03eefaeb0d76c6e563700;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes a compliance proxy, installing and configuring its modules.
    /// @param owner_ the compliance's owner.
    /// @param agents accounts granted COMPLIANCE_AGENT.
    /// @param setup modules to add, in order, each with the configuration calls to make on it.
    function initialize(address owner_, address[] calldata agents, ModuleSetup[] calldata setup) external initializer {
        __AccessControlDefaultAdminRules_init(0, owner_);
        for (uint256 i = 0; i < agents.length; ++i) {
            _grantRole(Roles.COMPLIANCE_AGENT, agents[i]);
        }
        for (uint256 i = 0; i < setup.length; ++i) {
            _addModule(setup[i].module);
            for (uint256 j = 0; j < setup[i].calls.length; ++j) {
                _callModule(setup[i].module, setup[i].calls[j]);
            }
        }
    }

    modifier onlyToken() {
        if (msg.sender != _s().token) revert ComplianceCallerNotToken(msg.sender);
        _;
    }

    modifier onlyConfigurator() {
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) _checkRole(Roles.COMPLIANCE_AGENT);
        _;
    }

    /// @inheritdoc IModularCompliance
    function bindToken(address token) external {
        ComplianceStorage storage $ = _s();
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender) && !(msg.sender == token && $.token == address(0))) {
            revert ComplianceUnauthorizedBinding(msg.sender);
        }
        if (token == address(0)) revert ComplianceZeroAddress();
        if ($.token != address(0)) revert ComplianceTokenAlreadyBound($.token);
        $.token = token;
        emit TokenBound(token);
    }

    /// @inheritdoc IModularCompliance
    function unbindToken(address token) external {
        ComplianceStorage storage $ = _s();
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender) && msg.sender != token) {
            revert ComplianceUnauthorizedBinding(msg.sender);
        }
        if (token == address(0) || token != $.token) revert ComplianceTokenNotBound(token);
        $.token = address(0);
        emit TokenUnbound(token);
    }

    /// @inheritdoc IModularCompliance
    function addModule(address module) external onlyConfigurator {
        _addModule(module);
    }

    function _addModule(address module) private {
        ComplianceStorage storage $ = _s();
        if (module == address(0)) revert ComplianceZeroAddress();
        uint256 count = $.moduleCount;
        if (count >= MAX_MODULES) revert ComplianceModulesLimitReached(MAX_MODULES);
        if (_indexOf($, module) != type(uint256).max) revert ComplianceModuleAlreadyBound(module);
        IComplianceModule m = IComplianceModule(module);
        if (!m.isPlugAndPlay() && !m.canComplianceBind(address(this))) revert ComplianceModuleCannotBind(module);
        m.bindCompliance(address(this));
        uint8 hooks = m.hooks();
        $.modules[count] = ModuleSlot(module, hooks);
        $.moduleCount = uint8(count + 1);
        if (hooks & ModuleHooks.CHECK_TRANSFER != 0) $.checkTransferModules |= uint32(1 << count);
        if (hooks & ModuleHooks.ACTION_TRANSFER != 0) $.actionTransferModules |= uint32(1 << count);
        emit ModuleAdded(module);
        _pushHookMask($);
    }

    /// @inheritdoc IModularCompliance
    function removeModule(address module) external onlyConfigurator {
        ComplianceStorage storage $ = _s();
        uint256 index = _indexOf($, module);
        if (index == type(uint256).max) revert ComplianceModuleNotBound(module);
        uint256 last = $.moduleCount - 1;
        // The last module takes the removed one's place, and its transfer bits move with it.
        $.modules[index] = $.modules[last];
        delete $.modules[last];
        $.moduleCount = uint8(last);
        $.checkTransferModules = _withoutIndex($.checkTransferModules, index, last);
        $.actionTransferModules = _withoutIndex($.actionTransferModules, index, last);
        IComplianceModule(module).unbindCompliance(address(this));
        emit ModuleRemoved(module);
        _pushHookMask($);
    }

    /// @inheritdoc IModularCompliance
    function callModuleFunction(bytes calldata callData, address module) external onlyConfigurator {
        _callModule(module, callData);
    }

    function _callModule(address module, bytes calldata callData) private {
        if (_indexOf(_s(), module) == type(uint256).max) revert ComplianceModuleNotBound(module);
        bytes4 selector = bytes4(callData);
        // Binding is the compliance's own business: forwarding it would desynchronise module and compliance.
        if (
            selector == IComplianceModule.bindCompliance.selector ||
            selector == IComplianceModule.unbindCompliance.selector
        ) revert ComplianceModuleCallForbidden(module, selector);
        // A raw call so that the module's own custom error reaches the caller unchanged.
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returndata) = module.call(callData);
        if (!success) {
            if (returndata.length == 0) revert ComplianceModuleCallFailed(module, selector);
            Address.verifyCallResult(false, returndata);
        }
        emit ModuleInteraction(module, selector);
    }

    /// @inheritdoc IModularCompliance
    function transferred(address from, address to, uint256 amount) external onlyToken {
        _notify(_s().actionTransferModules, abi.encodeCall(IComplianceModule.moduleTransferAction, (from, to, amount)));
    }

    /// @inheritdoc IModularCompliance
    function created(address to, uint256 amount) external onlyToken {
        (, uint256 recording) = _listeners(_s(), address(0), to);
        _notify(recording, abi.encodeCall(IComplianceModule.moduleMintAction, (to, amount)));
    }

    /// @inheritdoc IModularCompliance
    function destroyed(address from, uint256 amount) external onlyToken {
        (, uint256 recording) = _listeners(_s(), from, address(0));
        _notify(recording, abi.encodeCall(IComplianceModule.moduleBurnAction, (from, amount)));
    }

    /// @inheritdoc IModularCompliance
    /// @dev The checking modules are asked in order, each about the state before the change; one that also
    /// records the operation checks and records in the same call. The modules that only record are told
    /// last, once every check passed. A module's records are its own and no module's check reads another
    /// module's records, so recording before a later module is asked changes no answer; and a refusal
    /// makes the token revert everything recorded so far.
    function checkAndRecordWithContext(
        address from,
        address to,
        uint256 amount,
        bool check,
        TransferContext calldata before
    ) external onlyToken returns (address refusingModule) {
        ComplianceStorage storage $ = _s();
        (uint256 checking, uint256 recording) = _listeners($, from, to);
        if (!check) checking = 0;
        bytes memory checkCall;
        bytes memory checkAndActionCall;
        // The masks have 25 bits, so `i` stays below 25.
        for (uint256 i = 0; checking >> i != 0;) {
            if ((checking >> i) & 1 != 0) {
                address module = $.modules[i].module;
                bool allowed;
                if ((recording >> i) & 1 != 0) {
                    if (checkAndActionCall.length == 0) {
                        checkAndActionCall = _forwardedCall(
                            IComplianceModule.moduleCheckAndActionWithContext.selector,
                            false,
                            CONTEXT_WITH_CHECK
                        );
                    }
                    allowed = _checkAndActionCall(module, checkAndActionCall);
                } else {
                    if (checkCall.length == 0) {
                        checkCall = _forwardedCall(
                            IComplianceModule.moduleCheckWithContext.selector,
                            true,
                            CONTEXT_WITH_CHECK
                        );
                    }
                    allowed = _checkCall(module, checkCall);
                }
                if (!allowed) return module;
            }
            unchecked {
                ++i;
            }
        }
        recording &= ~checking;
        if (recording == 0) return address(0);
        TransferContext memory next = before;
        TransferContexts.applyChange(from, to, amount, next);
        _notify(recording, abi.encodeCall(IComplianceModule.moduleActionWithContext, (from, to, amount, next)));
    }

    /// @inheritdoc IModularCompliance
    function transferHookModules() external view returns (uint32 checking, uint32 recording) {
        ComplianceStorage storage $ = _s();
        return ($.checkTransferModules, $.actionTransferModules);
    }

    /// @inheritdoc IModularCompliance
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        return _refusingModule(from, to, amount) == address(0);
    }

    /// @inheritdoc IModularCompliance
    function checkTransfer(address from, address to, uint256 amount) external view returns (address) {
        return _refusingModule(from, to, amount);
    }

    /// @inheritdoc IModularCompliance
    /// @dev `amount` and `context` reach the modules in the call data, copied, unread here.
    function checkTransferWithContext(
        address from,
        address to,
        uint256,
        TransferContext calldata
    ) external view returns (address) {
        ComplianceStorage storage $ = _s();
        (uint256 checking, ) = _listeners($, from, to);
        if (checking == 0) return address(0);
        bytes memory checkCall = _forwardedCall(
            IComplianceModule.moduleCheckWithContext.selector,
            true,
            CONTEXT_WITHOUT_CHECK
        );
        for (uint256 i = 0; checking >> i != 0;) {
            if ((checking >> i) & 1 != 0) {
                address module = $.modules[i].module;
                if (!_checkCall(module, checkCall)) return module;
            }
            unchecked {
                ++i;
            }
        }
        return address(0);
    }

    /// @inheritdoc IModularCompliance
    function hookMask() external view returns (uint8) {
        return _hookMask(_s());
    }

    /// @inheritdoc IModularCompliance
    function getModules() external view returns (address[] memory modules) {
        ComplianceStorage storage $ = _s();
        uint256 count = $.moduleCount;
        modules = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            modules[i] = $.modules[i].module;
        }
    }

    /// @inheritdoc IModularCompliance
    function getTokenBound() external view returns (address) {
        return _s().token;
    }

    /// @inheritdoc IModularCompliance
    function isModuleBound(address module) external view returns (bool) {
        return _indexOf(_s(), module) != type(uint256).max;
    }

    function _refusingModule(address from, address to, uint256 amount) private view returns (address) {
        ComplianceStorage storage $ = _s();
        (uint256 checking, ) = _listeners($, from, to);
        for (uint256 i = 0; checking >> i != 0; ++i) {
            if ((checking >> i) & 1 == 0) continue;
            address module = $.modules[i].module;
            if (!IComplianceModule(module).moduleCheck(from, to, amount, address(this))) return module;
        }
        return address(0);
    }

    /// @dev Which module indexes check and which record moving units from `from` (zero: a mint) to `to`
    /// (zero: a burn), as bit masks. A holder transfer reads the masks kept in the first slot; a mint or a
    /// burn reads every module's slot. As before the masks, a burn is checked (if ever asked) by the
    /// modules that check transfers.
    function _listeners(
        ComplianceStorage storage $,
        address from,
        address to
    ) private view returns (uint256 checking, uint256 recording) {
        if (from != address(0) && to != address(0)) return ($.checkTransferModules, $.actionTransferModules);
        uint8 checkHook = from == address(0) ? ModuleHooks.CHECK_MINT : ModuleHooks.CHECK_TRANSFER;
        uint8 actionHook = from == address(0) ? ModuleHooks.ACTION_MINT : ModuleHooks.ACTION_BURN;
        uint256 count = $.moduleCount;
        for (uint256 i = 0; i < count; ++i) {
            uint8 hooks = $.modules[i].hooks;
            if (hooks & checkHook != 0) checking |= 1 << i;
            if (hooks & actionHook != 0) recording |= 1 << i;
        }
    }

    /// @dev A module index mask after removing the module at `index` and moving the one at `last` (the
    /// last index) into its place: bit `index` takes bit `last`'s value, and bit `last` is cleared.
    function _withoutIndex(uint32 mask, uint256 index, uint256 last) private pure returns (uint32) {
        uint32 moved = index == last ? 0 : (mask >> last) & 1;
        return (mask & ~uint32((1 << index) | (1 << last))) | uint32(uint256(moved) << index);
    }

    /// @dev Calls the modules at the indexes set in `recording`, in order, with `callData`.
    function _notify(uint256 recording, bytes memory callData) private {
        ComplianceStorage storage $ = _s();
        // The masks have 25 bits, so `i` stays below 25.
        for (uint256 i = 0; recording >> i != 0;) {
            if ((recording >> i) & 1 != 0) Address.functionCall($.modules[i].module, callData);
            unchecked {
                ++i;
            }
        }
    }

    /// @dev The data of a call to a module's `selector` made of this call's own arguments, copied rather than
    /// decoded and encoded again (the compliance's entry points take from, to, amount first and the static
    /// {TransferContext} inline, at `contextOffset`; the ABI decoder has checked the data is that long):
    /// from, to, amount, this compliance if `withCompliance` (moduleCheckWithContext's fourth argument),
    /// then the context. The module's ABI decoder validates every field, as it would for typed calls.
    function _forwardedCall(
        bytes4 selector,
        bool withCompliance,
        uint256 contextOffset
    ) private view returns (bytes memory callData) {
        assembly ("memory-safe") {
            callData := mload(0x40)
            // 4 (selector) + 96 (from, to, amount) + 192 (context), and 32 more with the compliance.
            let length := add(292, mul(withCompliance, 32))
            mstore(callData, length)
            // `selector` is left-aligned: its 4 bytes land first, and the copy below overwrites the rest.
            mstore(add(callData, 0x20), selector)
            calldatacopy(add(callData, 0x24), 4, 96)
            let context := add(callData, 0x84)
            if withCompliance {
                mstore(context, address())
                context := add(context, 32)
            }
            calldatacopy(context, contextOffset, 192)
            mstore(0x40, and(add(add(callData, add(0x20, length)), 31), not(31)))
        }
    }

    /// @dev `module.moduleCheckWithContext` with `callData` (its encoded arguments), as a static call.
    function _checkCall(address module, bytes memory callData) private view returns (bool) {
        (bool success, bytes32 answer, ) = LowLevelCall.staticcallReturn64Bytes(module, callData);
        return _answer(module, success, answer, IComplianceModule.moduleCheckWithContext.selector);
    }

    /// @dev `module.moduleCheckAndActionWithContext` with `callData` (its encoded arguments).
    function _checkAndActionCall(address module, bytes memory callData) private returns (bool) {
        (bool success, bytes32 answer, ) = LowLevelCall.callReturn64Bytes(module, callData);
        return _answer(module, success, answer, IComplianceModule.moduleCheckAndActionWithContext.selector);
    }

    /// @dev A module's answer to a raw call, read as a typed call would: its revert passes through
    /// unchanged; a return that is not one ABI-encoded bool fails with {ComplianceModuleCallFailed}.
    function _answer(address module, bool success, bytes32 answer, bytes4 selector) private pure returns (bool) {
        if (!success) LowLevelCall.bubbleRevert();
        if (LowLevelCall.returnDataSize() < 32 || uint256(answer) > 1) {
            revert ComplianceModuleCallFailed(module, selector);
        }
        return answer != 0;
    }

    function _hookMask(ComplianceStorage storage $) private view returns (uint8 mask) {
        uint256 count = $.moduleCount;
        for (uint256 i = 0; i < count; ++i) {
            mask |= $.modules[i].hooks;
        }
    }

    /// @dev Tells the bound token which hooks it must call. A token that does not listen (e.g. a T-REX
    /// token) keeps calling every hook, which stays correct.
    function _pushHookMask(ComplianceStorage storage $) private {
        uint8 mask = _hookMask($);
        emit HookMaskChanged(mask);
        address token = $.token;
        if (token == address(0)) return;
        try IComplianceHooksListener(token).onComplianceHooksChanged(mask) {} catch {}
    }

    function _indexOf(ComplianceStorage storage $, address module) private view returns (uint256) {
        uint256 count = $.moduleCount;
        for (uint256 i = 0; i < count; ++i) {
            if ($.modules[i].module == module) return i;
        }
        return type(uint256).max;
    }

    function _s() private pure returns (ComplianceStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
