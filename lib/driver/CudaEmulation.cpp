//===- CudaEmulation.cpp - CUDA kernels retargeted to the host for the emulator -===//
//
// The input is the module kiln-compile turns into PTX (NVVM LLVM IR after -O3 for the
// GPU, libdevice linked), so the emulator runs the code the GPU would run, up to the
// NVPTX backend and ptxas. The rewrite:
// - every call of an NVVM intrinsic (thread ids, barriers, shuffles, ldmatrix, mma.sync,
//   cp.async, mbarriers, TMA, the fast math libdevice uses) and of inline PTX (wgmma,
//   the mbarrier wait loop, libdevice's sequences; the import is named by its text)
//   becomes a call through the import slot of that name, its operands in 16-byte slots
//   of a per-function buffer;
// - every load, store, atomic and memory intrinsic not on the thread's stack is preceded
//   by the access check import, so an address outside device memory or shared memory
//   stops the kernel before it is touched;
// - shared-memory variables stay in address space 3 (a no-op cast on x86-64), laid out
//   in one host block as the GPU lays them out: the static ones, then the dynamic one
//   (which every zero-sized extern shared array aliases, as on the GPU) with
//   kMaxDynamicShared bytes, declared alignments kept (the swizzles act on address
//   bits);
// - kernels get host entry points taking cuLaunchKernel's parameter array, functions
//   lose the GPU's calling convention and target attributes, and f32 -> bf16 rounding
//   (a library call on x86-64 that libgcc does not have) is defined in the module;
// - the GPU architecture is exported, so the fake GPU presents itself as one.
//
//===----------------------------------------------------------------------------===//
#include "lib/driver/CudaEmulation.h"
#include "lib/runtime/CudaEmulationAbi.h"

#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/ValueHandle.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <map>

namespace emu = kiln::runtime::emu;

namespace kiln::driver {
namespace {

constexpr unsigned kSlotBytes = 16;

/// One call site to rewrite: an intrinsic call, or an access to check before `at`.
struct Site {
  llvm::Instruction *at;
  std::string import;                 // the import's name
  // Tracked: an operand may be the result of an intrinsic call rewritten before this one.
  llvm::SmallVector<llvm::WeakTrackingVH> operands;
  llvm::Type *result = nullptr;       // null: no result (or the access check)
};

class Retarget {
public:
  Retarget(llvm::Module &m, const std::string &arch, std::string &errors)
      : m(m), ctx(m.getContext()), dl(m.getDataLayout()), arch(arch), errors(errors) {}

  bool run() {
    std::vector<llvm::Function *> kernels;
    for (llvm::Function &f : m) {
      if (f.getCallingConv() == llvm::CallingConv::PTX_Kernel) {
        kernels.push_back(&f);
      }
      if (!f.isDeclaration() && !collect(f)) {
        return false;
      }
    }
    for (auto &[f, sites] : sitesByFunction) {
      rewrite(*f, sites);
    }
    for (llvm::Function &f : m) {
      f.setCallingConv(llvm::CallingConv::C);
      f.removeFnAttr("target-cpu");
      f.removeFnAttr("target-features");
      for (llvm::BasicBlock &bb : f) {
        for (llvm::Instruction &i : bb) {
          if (auto *call = llvm::dyn_cast<llvm::CallInst>(&i)) {
            call->setCallingConv(llvm::CallingConv::C);
          }
        }
      }
    }
    for (llvm::Function *dead : toErase) {
      dead->eraseFromParent();
    }
    std::vector<llvm::Constant *> variables = variableTable();
    std::vector<llvm::Constant *> entries;
    for (llvm::Function *k : kernels) {
      entries.push_back(entry(*k));
    }
    defineBf16Rounding();
    exportTables(entries, variables);
    return true;
  }

private:
  llvm::Module &m;
  llvm::LLVMContext &ctx;
  const llvm::DataLayout &dl;
  const std::string &arch;
  std::string &errors;
  std::map<llvm::Function *, std::vector<Site>> sitesByFunction;
  std::map<std::string, llvm::GlobalVariable *> slots; // import name -> slot
  std::vector<llvm::Function *> toErase;

  llvm::PointerType *ptr() { return llvm::PointerType::get(ctx, 0); }

  /// Whether `p` is certainly the thread's own stack (an alloca, through offsets).
  static bool onStack(llvm::Value *p) {
    return llvm::isa<llvm::AllocaInst>(llvm::getUnderlyingObject(p, /*MaxLookup=*/0));
  }

  void access(std::vector<Site> &sites, llvm::Instruction *at, llvm::Value *p,
              llvm::Value *bytes, int32_t flags) {
    if (onStack(p)) {
      return;
    }
    Site s{at, emu::kAccessCheck, {}};
    s.operands.push_back(p);
    s.operands.push_back(bytes);
    s.operands.push_back(llvm::ConstantInt::get(llvm::Type::getInt32Ty(ctx), flags));
    sites.push_back(std::move(s));
  }

  llvm::Value *size(llvm::Type *t) {
    return llvm::ConstantInt::get(llvm::Type::getInt64Ty(ctx), dl.getTypeStoreSize(t));
  }

  bool collect(llvm::Function &f) {
    std::vector<Site> &sites = sitesByFunction[&f];
    for (llvm::BasicBlock &bb : f) {
      for (llvm::Instruction &i : bb) {
        if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&i)) {
          access(sites, &i, load->getPointerOperand(), size(load->getType()), emu::kLoad);
        } else if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&i)) {
          access(sites, &i, store->getPointerOperand(),
                 size(store->getValueOperand()->getType()), emu::kStore);
        } else if (auto *rmw = llvm::dyn_cast<llvm::AtomicRMWInst>(&i)) {
          access(sites, &i, rmw->getPointerOperand(), size(rmw->getValOperand()->getType()),
                 emu::kLoad | emu::kStore);
        } else if (auto *cas = llvm::dyn_cast<llvm::AtomicCmpXchgInst>(&i)) {
          access(sites, &i, cas->getPointerOperand(),
                 size(cas->getNewValOperand()->getType()), emu::kLoad | emu::kStore);
        } else if (auto *mem = llvm::dyn_cast<llvm::MemIntrinsic>(&i)) {
          llvm::Value *n = mem->getLength();
          if (n->getType() != llvm::Type::getInt64Ty(ctx)) {
            errors += "emulator: a memory intrinsic with a 32-bit length in " +
                      f.getName().str() + "\n";
            return false;
          }
          access(sites, &i, mem->getRawDest(), n, emu::kStore);
          if (auto *transfer = llvm::dyn_cast<llvm::MemTransferInst>(&i)) {
            access(sites, &i, transfer->getRawSource(), n, emu::kLoad);
          }
        } else if (auto *call = llvm::dyn_cast<llvm::CallInst>(&i)) {
          if (auto *asmText = llvm::dyn_cast<llvm::InlineAsm>(call->getCalledOperand())) {
            // libdevice's inline PTX: the emulator knows each text it uses.
            Site s{&i, "asm:" + asmText->getAsmString().str(), {},
                   call->getType()->isVoidTy() ? nullptr : call->getType()};
            for (llvm::Value *a : call->args()) {
              s.operands.push_back(a);
            }
            sites.push_back(std::move(s));
            continue;
          }
          llvm::Function *callee = call->getCalledFunction();
          if (!callee) {
            errors += "emulator: an indirect call in " + f.getName().str() + "\n";
            return false;
          }
          llvm::StringRef name = callee->getName();
          if (name.starts_with("llvm.nvvm.")) {
            Site s{&i, name.str(), {}, call->getType()->isVoidTy() ? nullptr : call->getType()};
            for (llvm::Value *a : call->args()) {
              s.operands.push_back(a);
            }
            sites.push_back(std::move(s));
          } else if (callee->isDeclaration() && !callee->isIntrinsic()) {
            errors += "emulator: kernel code calls '" + name.str() + "', which has no body (" +
                      f.getName().str() + ")\n";
            return false;
          } else if (name.starts_with("llvm.masked.") || name.starts_with("llvm.vp.")) {
            errors += "emulator: '" + name.str() + "' is not checked (" + f.getName().str() +
                      ")\n";
            return false;
          }
        }
      }
    }
    for (const Site &s : sites) {
      for (const llvm::WeakTrackingVH &v : s.operands) {
        if (dl.getTypeAllocSize(v->getType()) > kSlotBytes) {
          errors += "emulator: an operand of " + s.import + " is wider than " +
                    std::to_string(kSlotBytes) + " bytes\n";
          return false;
        }
      }
    }
    return true;
  }

  llvm::GlobalVariable *slot(const std::string &name) {
    llvm::GlobalVariable *&g = slots[name];
    if (!g) {
      g = new llvm::GlobalVariable(m, ptr(), /*isConstant=*/false,
                                   llvm::GlobalValue::InternalLinkage,
                                   llvm::ConstantPointerNull::get(ptr()), "kiln.emu.slot." + name);
    }
    return g;
  }

  void rewrite(llvm::Function &f, std::vector<Site> &sites) {
    if (sites.empty()) {
      return;
    }
    size_t maxOperands = 1, maxResult = kSlotBytes;
    for (const Site &s : sites) {
      maxOperands = std::max(maxOperands, s.operands.size());
      if (s.result) {
        maxResult = std::max<size_t>(maxResult, dl.getTypeAllocSize(s.result));
      }
    }
    llvm::IRBuilder<> entry(&*f.getEntryBlock().getFirstInsertionPt());
    llvm::Type *i8 = llvm::Type::getInt8Ty(ctx);
    llvm::AllocaInst *args =
        entry.CreateAlloca(llvm::ArrayType::get(i8, maxOperands * kSlotBytes), nullptr, "emu.args");
    args->setAlignment(llvm::Align(16));
    llvm::AllocaInst *result =
        entry.CreateAlloca(llvm::ArrayType::get(i8, (maxResult + 15) / 16 * 16), nullptr,
                           "emu.result");
    result->setAlignment(llvm::Align(16));
    llvm::FunctionType *implType =
        llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr(), ptr()}, false);
    for (Site &s : sites) {
      llvm::IRBuilder<> b(s.at);
      for (size_t k = 0; k < s.operands.size(); ++k) {
        llvm::Value *at = b.CreateConstInBoundsGEP1_64(i8, args, k * kSlotBytes);
        b.CreateAlignedStore(s.operands[k], at, llvm::Align(16));
      }
      llvm::Value *impl = b.CreateLoad(ptr(), slot(s.import));
      b.CreateCall(implType, impl, {result, args});
      if (s.import == emu::kAccessCheck) {
        continue;
      }
      auto *call = llvm::cast<llvm::CallInst>(s.at);
      if (s.result) {
        llvm::Value *value = b.CreateAlignedLoad(s.result, result, llvm::Align(16));
        call->replaceAllUsesWith(value);
      }
      llvm::Function *callee = call->getCalledFunction();
      call->eraseFromParent();
      if (callee && callee->use_empty() && !llvm::is_contained(toErase, callee)) {
        toErase.push_back(callee);
      }
    }
  }

  /// Lays the shared variables out in one host block, as a GPU lays them out in a
  /// block's shared memory: the static ones, then the dynamic one, which every
  /// zero-sized (extern) shared variable aliases and which gets kMaxDynamicShared bytes.
  /// One block under 256 KiB keeps the 18-bit shared-window addresses of wgmma
  /// descriptors unambiguous, and declared alignments are kept (the swizzles of TMA and
  /// wgmma act on address bits). Returns the table of the module's variables (before the
  /// tables themselves are added).
  std::vector<llvm::Constant *> variableTable() {
    llvm::Type *i8 = llvm::Type::getInt8Ty(ctx);
    llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
    llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
    llvm::StructType *entryType = llvm::StructType::get(ctx, {ptr(), i64, i32, i32});
    auto row = [&](llvm::Constant *address, uint64_t bytes, int32_t kind) {
      if (address->getType() != ptr()) {
        address = llvm::ConstantExpr::getAddrSpaceCast(address, ptr());
      }
      return llvm::ConstantStruct::get(
          entryType, {address, llvm::ConstantInt::get(i64, bytes),
                      llvm::ConstantInt::get(i32, kind), llvm::ConstantInt::get(i32, 0)});
    };
    std::vector<llvm::Constant *> table;
    std::vector<llvm::GlobalVariable *> statics, dynamics;
    for (llvm::GlobalVariable &g : m.globals()) {
      if (g.getName().starts_with("llvm.") || g.getName().starts_with("kiln.emu.")) {
        continue; // LLVM's own, and the import slots (the emulator's, not the kernels')
      }
      if (g.getAddressSpace() != 3) {
        table.push_back(row(&g, dl.getTypeAllocSize(g.getValueType()), emu::kGlobal));
      } else if (dl.getTypeAllocSize(g.getValueType()) == 0) {
        dynamics.push_back(&g);
      } else {
        statics.push_back(&g);
      }
    }
    if (statics.empty() && dynamics.empty()) {
      return table;
    }
    uint64_t end = 0;
    llvm::Align blockAlign(1024);
    std::vector<uint64_t> offsets;
    for (llvm::GlobalVariable *g : statics) {
      llvm::Align a = g->getAlign().valueOrOne();
      blockAlign = std::max(blockAlign, a);
      offsets.push_back(llvm::alignTo(end, a));
      end = offsets.back() + dl.getTypeAllocSize(g->getValueType());
    }
    llvm::Align dynamicAlign(128);
    for (llvm::GlobalVariable *g : dynamics) {
      dynamicAlign = std::max(dynamicAlign, g->getAlign().valueOrOne());
    }
    blockAlign = std::max(blockAlign, dynamicAlign);
    uint64_t dynamicOffset = llvm::alignTo(end, dynamicAlign);
    end = dynamics.empty() ? end : dynamicOffset + emu::kMaxDynamicShared;
    auto *type = llvm::ArrayType::get(i8, end);
    auto *block = new llvm::GlobalVariable(m, type, false, llvm::GlobalValue::InternalLinkage,
                                           llvm::Constant::getNullValue(type), "kiln.emu.shared",
                                           nullptr, llvm::GlobalValue::NotThreadLocal, 3);
    block->setAlignment(blockAlign);
    auto at = [&](uint64_t offset) {
      return llvm::ConstantExpr::getInBoundsGetElementPtr(i8, block,
                                                          llvm::ConstantInt::get(i64, offset));
    };
    for (size_t i = 0; i < statics.size(); ++i) {
      uint64_t bytes = dl.getTypeAllocSize(statics[i]->getValueType());
      statics[i]->replaceAllUsesWith(at(offsets[i]));
      statics[i]->eraseFromParent();
      table.push_back(row(at(offsets[i]), bytes, emu::kStaticShared));
    }
    if (!dynamics.empty()) {
      for (llvm::GlobalVariable *g : dynamics) {
        g->replaceAllUsesWith(at(dynamicOffset));
        g->eraseFromParent();
      }
      table.push_back(row(at(dynamicOffset), emu::kMaxDynamicShared, emu::kDynamicShared));
    }
    return table;
  }

  /// void kiln.emu.entry.<kernel>(ptr params): loads each parameter, calls the kernel.
  llvm::Constant *entry(llvm::Function &kernel) {
    llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr()}, false);
    auto *f = llvm::Function::Create(type, llvm::GlobalValue::InternalLinkage,
                                     "kiln.emu.entry." + kernel.getName(), m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
    llvm::SmallVector<llvm::Value *> values;
    for (llvm::Argument &a : kernel.args()) {
      llvm::Value *at = b.CreateConstInBoundsGEP1_64(ptr(), f->getArg(0), a.getArgNo());
      llvm::Value *p = b.CreateLoad(ptr(), at);
      values.push_back(b.CreateLoad(a.getType(), p));
    }
    b.CreateCall(&kernel, values);
    b.CreateRetVoid();
    llvm::Constant *name = b.CreateGlobalString(kernel.getName(), "kiln.emu.name");
    llvm::StructType *entryType = llvm::StructType::get(ctx, {ptr(), ptr(), i32, i32});
    return llvm::ConstantStruct::get(
        entryType, {name, f, llvm::ConstantInt::get(i32, kernel.arg_size()),
                    llvm::ConstantInt::get(i32, 0)});
  }

  /// __truncsfbf2 / __truncdfbf2, which x86-64 calls for fptrunc to bfloat: round to
  /// nearest even, NaN stays a quiet NaN.
  void defineBf16Rounding() {
    llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
    llvm::Type *bf16 = llvm::Type::getBFloatTy(ctx);
    for (llvm::Type *from : {llvm::Type::getFloatTy(ctx), llvm::Type::getDoubleTy(ctx)}) {
      std::string name = from->isFloatTy() ? "__truncsfbf2" : "__truncdfbf2";
      auto *f = llvm::Function::Create(llvm::FunctionType::get(bf16, {from}, false),
                                       llvm::GlobalValue::ExternalLinkage, name, m);
      f->setVisibility(llvm::GlobalValue::HiddenVisibility);
      llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
      llvm::Value *x = f->getArg(0);
      if (from->isDoubleTy()) {
        x = b.CreateFPTrunc(x, llvm::Type::getFloatTy(ctx));
      }
      llvm::Value *bits = b.CreateBitCast(x, i32);
      llvm::Value *isNan = b.CreateICmpUGT(b.CreateAnd(bits, 0x7fffffff), b.getInt32(0x7f800000));
      llvm::Value *lsb = b.CreateAnd(b.CreateLShr(bits, 16), 1);
      llvm::Value *rounded = b.CreateLShr(b.CreateAdd(b.CreateAdd(bits, b.getInt32(0x7fff)), lsb), 16);
      llvm::Value *quiet = b.CreateOr(b.CreateLShr(bits, 16), 0x40);
      llvm::Value *half = b.CreateTrunc(b.CreateSelect(isNan, quiet, rounded), b.getInt16Ty());
      b.CreateRet(b.CreateBitCast(half, bf16));
      llvm::appendToUsed(m, {f});
    }
  }

  void exportValue(llvm::StringRef name, llvm::Constant *init) {
    auto *g = new llvm::GlobalVariable(m, init->getType(), /*isConstant=*/true,
                                       llvm::GlobalValue::ExternalLinkage, init, name);
    g->setVisibility(llvm::GlobalValue::DefaultVisibility);
  }

  void exportTables(const std::vector<llvm::Constant *> &kernels,
                    const std::vector<llvm::Constant *> &variables) {
    llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
    llvm::Type *i64 = llvm::Type::getInt64Ty(ctx);
    auto count = [&](size_t n) { return llvm::ConstantInt::get(i32, n); };
    auto array = [&](llvm::StructType *t, const std::vector<llvm::Constant *> &items) {
      return llvm::ConstantArray::get(llvm::ArrayType::get(t, items.size()), items);
    };
    exportValue(emu::kSymAbiVersion, count(emu::kAbiVersion));
    exportValue(emu::kSymArch, llvm::ConstantDataArray::getString(ctx, arch));
    exportValue(emu::kSymKernelCount, count(kernels.size()));
    exportValue(
        emu::kSymKernels, array(llvm::StructType::get(ctx, {ptr(), ptr(), i32, i32}), kernels));
    llvm::StructType *importType = llvm::StructType::get(ctx, {ptr(), ptr()});
    std::vector<llvm::Constant *> imports;
    for (auto &[name, g] : slots) {
      auto *text = llvm::ConstantDataArray::getString(ctx, name);
      auto *str = new llvm::GlobalVariable(m, text->getType(), true,
                                           llvm::GlobalValue::PrivateLinkage, text, "kiln.emu.import");
      imports.push_back(llvm::ConstantStruct::get(importType, {str, g}));
    }
    exportValue(emu::kSymImportCount, count(imports.size()));
    exportValue(emu::kSymImports, array(importType, imports));
    exportValue(emu::kSymVariableCount, count(variables.size()));
    exportValue(emu::kSymVariables,
                array(llvm::StructType::get(ctx, {ptr(), i64, i32, i32}), variables));
  }
};

} // namespace

bool retargetCudaForEmulation(llvm::Module &module, llvm::TargetMachine &host,
                              const std::string &arch, std::string &errors) {
  if (!Retarget(module, arch, errors).run()) {
    return false;
  }
  module.setTargetTriple(host.getTargetTriple());
  module.setDataLayout(host.createDataLayout());
  return true;
}

} // namespace kiln::driver
