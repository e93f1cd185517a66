//===- EmitKernelAbi.cpp - the runtime's calling convention for kernels -----===//
//
// After lowering to the LLVM dialect (bare-pointer memref convention), a kernel is
// `llvm.func @k(%b0: !llvm.ptr, ..., %bn: !llvm.ptr [, %begin: i64, %end: i64])`. The
// runtime calls every kernel the same way (docs/artifact.md):
//
//   void k(void *const *buffers, int64_t begin, int64_t end);
//
// so this pass renames the kernel to `k.body` (internal, always inlined, its pointer
// arguments `noalias`: the memory plan never binds one buffer twice to a kernel) and
// adds the exported wrapper `k` that loads `buffers[i]` and forwards the range.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#define DEBUG_TYPE "kiln-cpu-emit-kernel-abi"

namespace kiln {
#define GEN_PASS_DEF_EMITKERNELABIPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

using namespace kiln;

struct EmitKernelAbiPass : public kiln::impl::EmitKernelAbiPassBase<EmitKernelAbiPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> kernels;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
      if (fn->hasAttr(kKernelAttr)) {
        kernels.push_back(fn);
      }
    }
    for (LLVM::LLVMFuncOp fn : kernels) {
      if (failed(wrap(module, fn))) {
        return signalPassFailure();
      }
    }
  }

  LogicalResult wrap(ModuleOp module, LLVM::LLVMFuncOp body) {
    MLIRContext *ctx = module.getContext();
    OpBuilder b(ctx);
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    LLVM::LLVMFunctionType bodyType = body.getFunctionType();
    bool hasRange = body->hasAttr(kWorkItemsAttr);
    unsigned numBuffers = bodyType.getNumParams() - (hasRange ? 2 : 0);
    bool shapeOk = isa<LLVM::LLVMVoidType>(bodyType.getReturnType()) &&
                   bodyType.getNumParams() >= (hasRange ? 2u : 0u);
    for (unsigned i = 0; shapeOk && i < bodyType.getNumParams(); ++i) {
      shapeOk = bodyType.getParamType(i) == (i < numBuffers ? Type(ptrType) : Type(i64));
    }
    {
      if (!shapeOk) {
        return body.emitError("kiln-cpu-emit-kernel-abi: kernel ")
               << body.getSymName() << " does not have the shape (ptr..."
               << (hasRange ? ", i64 begin, i64 end" : "") << ") -> void; lower it with "
               << "the bare-pointer memref calling convention";
      }
    }
    std::string name = body.getSymName().str();
    body.setSymName(name + ".body");
    body.setLinkage(LLVM::Linkage::Internal);
    body.setAlwaysInline(true);
    for (unsigned i = 0; i < numBuffers; ++i) {
      body.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(), b.getUnitAttr());
    }

    b.setInsertionPointAfter(body);
    auto wrapperType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                                   {ptrType, i64, i64});
    auto wrapper = LLVM::LLVMFuncOp::create(b, body.getLoc(), name, wrapperType);
    for (NamedAttribute attr : body->getDiscardableAttrs()) {
      wrapper->setAttr(attr.getName(), attr.getValue());
    }
    body->removeAttr(kKernelAttr); // the wrapper is the kernel now
    Block *entry = wrapper.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    Location loc = body.getLoc();
    SmallVector<Value> args;
    for (unsigned i = 0; i < numBuffers; ++i) {
      Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, entry->getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
      args.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
    }
    if (hasRange) {
      args.push_back(entry->getArgument(1));
      args.push_back(entry->getArgument(2));
    }
    LLVM::CallOp::create(b, loc, body, args);
    LLVM::ReturnOp::create(b, loc, ValueRange());
    return success();
  }
};

} // namespace
