//===- KilnAttrs.td - kiln enum attributes ---------------------------------===//
//
// Enumerations carried by kiln ops, stored as i32 attributes (as arith's predicates are):
// bare keywords inside op formats (`kiln.cmp lt, ...`, `kiln.reduce sum ...`), integers
// in the generic form and in bytecode.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_ATTRS_TD
#define KILN_ATTRS_TD

include "dialects/kiln/KilnBase.td"
include "mlir/IR/EnumAttr.td"

def Kiln_CmpPredicate : I32EnumAttr<"CmpPredicate", "comparison predicate", [
    I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>, I32EnumAttrCase<"lt", 2>,
    I32EnumAttrCase<"le", 3>, I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::kiln";
}

def Kiln_ReduceKind : I32EnumAttr<"ReduceKind", "reduction kind", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>, I32EnumAttrCase<"max", 2>,
    I32EnumAttrCase<"min", 3>, I32EnumAttrCase<"prod", 4>]> {
  let cppNamespace = "::kiln";
}

def Kiln_PoolKind : I32EnumAttr<"PoolKind", "pooling kind", [
    I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"avg", 1>]> {
  let cppNamespace = "::kiln";
}

def Kiln_PadMode : I32EnumAttr<"PadMode", "padding mode", [
    I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"reflect", 1>,
    I32EnumAttrCase<"edge", 2>]> {
  let cppNamespace = "::kiln";
}

def Kiln_GeluApproximation : I32EnumAttr<"GeluApproximation", "GELU form", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"tanh", 1>]> {
  let cppNamespace = "::kiln";
}

// The kernel scheme of a kiln.fusion group (DESIGN.md, Fusion).
def Kiln_FusionScheme : I32EnumAttr<"FusionScheme", "fusion kernel scheme", [
    I32EnumAttrCase<"loop", 0>, I32EnumAttrCase<"row_reduction", 1>,
    I32EnumAttrCase<"contraction", 2>, I32EnumAttrCase<"attention", 3>]> {
  let cppNamespace = "::kiln";
}

#endif // KILN_ATTRS_TD
