//===- Hopper.cpp - sm_90a building blocks: TMA, mbarriers, wgmma ----------===//
#include "codegen/cuda/Hopper.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <string>

using namespace mlir;

namespace kiln::cuda::hopper {
namespace {

constexpr llvm::StringLiteral kSmemSymbol = "kiln_smem_1024";
constexpr int64_t kDtypeF16 = 2, kDtypeBF16 = 3; // kilnDType

Value i32(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}

} // namespace

Value alignedSharedMemory(OpBuilder &b, Location loc, gpu::GPUFuncOp kernel) {
  MLIRContext *ctx = b.getContext();
  auto gpuModule = kernel->getParentOfType<gpu::GPUModuleOp>();
  if (!gpuModule.lookupSymbol(kSmemSymbol)) {
    OpBuilder mb(ctx);
    mb.setInsertionPointToStart(gpuModule.getBody());
    LLVM::GlobalOp::create(mb, loc, LLVM::LLVMArrayType::get(mb.getI8Type(), 0),
                           /*isConstant=*/false, LLVM::Linkage::External, kSmemSymbol,
                           Attribute(), /*alignment=*/1024, /*addrSpace=*/3);
  }
  return LLVM::AddressOfOp::create(b, loc, LLVM::LLVMPointerType::get(ctx, 3), kSmemSymbol);
}

std::pair<Value, Value> stageAndPhase(OpBuilder &b, Location loc, Value index,
                                      int64_t stages) {
  Value n = arith::ConstantIndexOp::create(b, loc, stages);
  auto toI32 = [&](Value x) -> Value {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), x);
  };
  Value stage = toI32(arith::RemUIOp::create(b, loc, index, n));
  Value round = toI32(arith::DivUIOp::create(b, loc, index, n));
  return {stage, arith::AndIOp::create(b, loc, round, i32(b, loc, 1))};
}

void waitParity(OpBuilder &b, Location loc, Value barrier, Value parity) {
  NVVM::MBarrierTryWaitParityOp::create(b, loc, barrier, parity, i32(b, loc, kWaitTicks));
}

void arriveExpectBytes(OpBuilder &b, Location loc, Value barrier, int64_t bytes) {
  NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), barrier, i32(b, loc, bytes),
                                         NVVM::MemScopeKind::CTA, false, Value());
}

void acquireStage(OpBuilder &b, Location loc, Value empty, Value full, Value phase,
                  int64_t bytes) {
  waitParity(b, loc, empty, arith::XOrIOp::create(b, loc, phase, i32(b, loc, 1)));
  arriveExpectBytes(b, loc, full, bytes);
}

Value matrixDescriptor(OpBuilder &b, Location loc, Value addr, int64_t lbo, int64_t sbo) {
  auto i64 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v).getResult();
  };
  int64_t fixed = ((lbo >> 4) << 16) | ((sbo >> 4) << 32) | (int64_t(1) << 62);
  Value start = arith::ShRUIOp::create(
      b, loc, arith::ExtUIOp::create(b, loc, b.getI64Type(), addr), i64(4));
  start = arith::AndIOp::create(b, loc, start, i64(0x3FFF));
  return arith::OrIOp::create(b, loc, start, i64(fixed));
}

Value acquireTensorMap(OpBuilder &b, Location loc, Value map) {
  Value desc = arith::IndexCastUIOp::create(
      b, loc, b.getI64Type(), memref::ExtractAlignedPointerAsIndexOp::create(b, loc, map));
  desc = LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext()), desc);
  NVVM::FenceProxyAcquireOp::create(
      b, loc, NVVM::MemScopeKindAttr::get(b.getContext(), NVVM::MemScopeKind::SYS), desc,
      i32(b, loc, 128));
  return desc;
}

void tmaLoad(OpBuilder &b, Location loc, Value desc, Value dst, ValueRange coords,
             Value barrier) {
  // The shared::cluster form (address space 7): without a cluster it is this block's
  // shared memory. (LLVM 22 selects the shared::cta form for sm_100 only.)
  Value cluster = LLVM::AddrSpaceCastOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 7), dst);
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      b, loc, cluster, desc, coords, barrier, ValueRange{}, Value(), Value(),
      NVVM::TMALoadMode::TILE, /*isCTAOnly=*/false, nullptr, Value());
}

SmallVector<int64_t> tensorMapRecord(unsigned binding, MemRefType type, Type elem,
                                     ArrayRef<int64_t> box) {
  int64_t eb = elem.getIntOrFloatBitWidth() / 8;
  SmallVector<int64_t> strides;
  int64_t offset = 0;
  (void)type.getStridesAndOffset(strides, offset);
  int64_t rank = type.getRank();
  SmallVector<int64_t> r{binding, offset * eb, elem.isBF16() ? kDtypeBF16 : kDtypeF16,
                         kRowBytes, rank};
  for (int64_t d = rank - 1; d >= 0; --d) {
    r.push_back(type.getDimSize(d));
  }
  for (int64_t d = rank - 2; d >= 0; --d) {
    r.push_back(strides[d] * eb);
  }
  for (int64_t d = rank - 1; d >= 0; --d) {
    r.push_back(box[d]);
  }
  return r;
}

std::optional<std::string> tmaUnreadable(MemRefType type, Type elem) {
  int64_t eb = elem.getIntOrFloatBitWidth() / 8;
  SmallVector<int64_t> strides;
  int64_t offset = 0;
  if (type.getElementType() != elem) {
    return std::string("it is not held in the products' 16-bit type");
  }
  if (type.getRank() < 1 || type.getRank() > 5 || !type.hasStaticShape()) {
    return std::string("it is not a static tensor of rank 1 to 5");
  }
  if (failed(type.getStridesAndOffset(strides, offset)) || strides.back() != 1 ||
      ShapedType::isDynamic(offset) || (offset * eb) % 16 != 0) {
    return std::string("its innermost dim is not contiguous from a 16-byte aligned start");
  }
  for (size_t i = 0; i + 1 < strides.size(); ++i) {
    if (ShapedType::isDynamic(strides[i]) || (strides[i] * eb) % 16 != 0) {
      return std::string("a stride is not a multiple of 16 bytes");
    }
  }
  return std::nullopt;
}

Value wgmmaRegisterA(OpBuilder &b, Location loc, Value acc, ValueRange a, Value descB,
                     Value scaleD, int64_t n, Type elem, bool transB) {
  // $0 .. $(r-1): the accumulators out, tied to inputs $r .. $(2r-1); then A's four
  // registers, B's descriptor, scale-d (a register) and the immediates scale-a, scale-b,
  // trans-b (the form MLIR writes for the shared-memory one, which the emulator matches
  // by its text).
  const int64_t r = n / 2;
  auto reg = [](int64_t i) { return "$" + std::to_string(i); };
  std::string outs, constraints;
  for (int64_t i = 0; i < r; ++i) {
    outs += (i ? ", " : "") + reg(i);
    constraints += "=f,";
  }
  for (int64_t i = 0; i < r; ++i) {
    constraints += std::to_string(i) + ",";
  }
  constraints += "r,r,r,r,l,r,n,n,n";
  const char *type = elem.isBF16() ? "bf16" : "f16";
  std::string text = "{\n.reg .pred p;\nsetp.ne.b32 p, " + reg(2 * r + 5) +
                     ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(n) + "k16.f32." +
                     type + "." + type + " {" + outs + "}, {" + reg(2 * r) + ", " +
                     reg(2 * r + 1) + ", " + reg(2 * r + 2) + ", " + reg(2 * r + 3) + "}, " +
                     reg(2 * r + 4) + ", p, " + reg(2 * r + 6) + ", " + reg(2 * r + 7) + ", " +
                     reg(2 * r + 8) + ";\n}\n";
  SmallVector<Value> operands;
  for (int64_t i = 0; i < r; ++i) {
    operands.push_back(LLVM::ExtractValueOp::create(b, loc, acc, ArrayRef<int64_t>{i}));
  }
  for (Value x : a) {
    if (x.getType() != b.getI32Type()) {
      x = LLVM::BitcastOp::create(b, loc, b.getI32Type(), x);
    }
    operands.push_back(x);
  }
  operands.push_back(descB);
  operands.push_back(scaleD);
  for (int64_t imm : {1, 1, transB ? 1 : 0}) {
    operands.push_back(i32(b, loc, imm));
  }
  return LLVM::InlineAsmOp::create(b, loc, acc.getType(), operands, text, constraints,
                                   /*has_side_effects=*/true, /*is_align_stack=*/false,
                                   LLVM::tailcallkind::TailCallKind::None,
                                   LLVM::AsmDialectAttr::get(b.getContext(),
                                                             LLVM::AsmDialect::AD_ATT),
                                   /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}

} // namespace kiln::cuda::hopper
