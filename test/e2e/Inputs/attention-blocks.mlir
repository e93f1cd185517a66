// Attention large enough for several blocks: 160 queries and keys in 2 heads of 32
// (work items of 80 rows, query and key blocks of 40), so the online softmax rescales
// its running sums across key blocks.
func.func @attention_blocks(%q: tensor<1x160x2x32xf32>, %k: tensor<1x160x2x32xf32>, %v: tensor<1x160x2x32xf32>) -> tensor<1x160x2x32xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x160x2x32xf32> -> tensor<1x2x160x32xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x160x2x32xf32> -> tensor<1x2x32x160xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x160x2x32xf32> -> tensor<1x2x160x32xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x160x32xf32>, tensor<1x2x32x160xf32>) -> tensor<1x2x160x160xf32>
  %c = kiln.constant dense<0.5> : tensor<f32>
  %d = kiln.mul %s, %c : (tensor<1x2x160x160xf32>, tensor<f32>) -> tensor<1x2x160x160xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x2x160x160xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x160x160xf32>, tensor<1x2x160x32xf32>) -> tensor<1x2x160x32xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x160x32xf32> -> tensor<1x160x2x32xf32>
  return %r : tensor<1x160x2x32xf32>
}

// -----

// A banded causal mask built in the graph (-inf where key > query or key < query - 60,
// sliding-window attention) over 160 tokens in key blocks of 40: the first query rows
// meet blocks whose keys are all masked after a visible one, the last rows meet them
// first, where a running max starting at -inf would give -inf - -inf = NaN.
// The mask is added after the scaling; the softmax is the last op before P V.
func.func @attention_sliding_window(%q: tensor<1x2x160x32xf32>, %kt: tensor<1x2x32x160xf32>, %v: tensor<1x2x160x32xf32>) -> tensor<1x2x160x32xf32> {
  %row = kiln.constant dense<[[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0], [9.0], [10.0], [11.0], [12.0], [13.0], [14.0], [15.0], [16.0], [17.0], [18.0], [19.0], [20.0], [21.0], [22.0], [23.0], [24.0], [25.0], [26.0], [27.0], [28.0], [29.0], [30.0], [31.0], [32.0], [33.0], [34.0], [35.0], [36.0], [37.0], [38.0], [39.0], [40.0], [41.0], [42.0], [43.0], [44.0], [45.0], [46.0], [47.0], [48.0], [49.0], [50.0], [51.0], [52.0], [53.0], [54.0], [55.0], [56.0], [57.0], [58.0], [59.0], [60.0], [61.0], [62.0], [63.0], [64.0], [65.0], [66.0], [67.0], [68.0], [69.0], [70.0], [71.0], [72.0], [73.0], [74.0], [75.0], [76.0], [77.0], [78.0], [79.0], [80.0], [81.0], [82.0], [83.0], [84.0], [85.0], [86.0], [87.0], [88.0], [89.0], [90.0], [91.0], [92.0], [93.0], [94.0], [95.0], [96.0], [97.0], [98.0], [99.0], [100.0], [101.0], [102.0], [103.0], [104.0], [105.0], [106.0], [107.0], [108.0], [109.0], [110.0], [111.0], [112.0], [113.0], [114.0], [115.0], [116.0], [117.0], [118.0], [119.0], [120.0], [121.0], [122.0], [123.0], [124.0], [125.0], [126.0], [127.0], [128.0], [129.0], [130.0], [131.0], [132.0], [133.0], [134.0], [135.0], [136.0], [137.0], [138.0], [139.0], [140.0], [141.0], [142.0], [143.0], [144.0], [145.0], [146.0], [147.0], [148.0], [149.0], [150.0], [151.0], [152.0], [153.0], [154.0], [155.0], [156.0], [157.0], [158.0], [159.0]]> : tensor<160x1xf32>
  %col = kiln.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0, 128.0, 129.0, 130.0, 131.0, 132.0, 133.0, 134.0, 135.0, 136.0, 137.0, 138.0, 139.0, 140.0, 141.0, 142.0, 143.0, 144.0, 145.0, 146.0, 147.0, 148.0, 149.0, 150.0, 151.0, 152.0, 153.0, 154.0, 155.0, 156.0, 157.0, 158.0, 159.0]> : tensor<160xf32>
  %rowlo = kiln.constant dense<[[-60.0], [-59.0], [-58.0], [-57.0], [-56.0], [-55.0], [-54.0], [-53.0], [-52.0], [-51.0], [-50.0], [-49.0], [-48.0], [-47.0], [-46.0], [-45.0], [-44.0], [-43.0], [-42.0], [-41.0], [-40.0], [-39.0], [-38.0], [-37.0], [-36.0], [-35.0], [-34.0], [-33.0], [-32.0], [-31.0], [-30.0], [-29.0], [-28.0], [-27.0], [-26.0], [-25.0], [-24.0], [-23.0], [-22.0], [-21.0], [-20.0], [-19.0], [-18.0], [-17.0], [-16.0], [-15.0], [-14.0], [-13.0], [-12.0], [-11.0], [-10.0], [-9.0], [-8.0], [-7.0], [-6.0], [-5.0], [-4.0], [-3.0], [-2.0], [-1.0], [0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0], [9.0], [10.0], [11.0], [12.0], [13.0], [14.0], [15.0], [16.0], [17.0], [18.0], [19.0], [20.0], [21.0], [22.0], [23.0], [24.0], [25.0], [26.0], [27.0], [28.0], [29.0], [30.0], [31.0], [32.0], [33.0], [34.0], [35.0], [36.0], [37.0], [38.0], [39.0], [40.0], [41.0], [42.0], [43.0], [44.0], [45.0], [46.0], [47.0], [48.0], [49.0], [50.0], [51.0], [52.0], [53.0], [54.0], [55.0], [56.0], [57.0], [58.0], [59.0], [60.0], [61.0], [62.0], [63.0], [64.0], [65.0], [66.0], [67.0], [68.0], [69.0], [70.0], [71.0], [72.0], [73.0], [74.0], [75.0], [76.0], [77.0], [78.0], [79.0], [80.0], [81.0], [82.0], [83.0], [84.0], [85.0], [86.0], [87.0], [88.0], [89.0], [90.0], [91.0], [92.0], [93.0], [94.0], [95.0], [96.0], [97.0], [98.0], [99.0]]> : tensor<160x1xf32>
  %after = kiln.cmp gt, %col, %row : (tensor<160xf32>, tensor<160x1xf32>) -> tensor<160x160xi1>
  %before = kiln.cmp lt, %col, %rowlo : (tensor<160xf32>, tensor<160x1xf32>) -> tensor<160x160xi1>
  %above = kiln.or %after, %before : (tensor<160x160xi1>, tensor<160x160xi1>) -> tensor<160x160xi1>
  %ninf = kiln.constant dense<0xFF800000> : tensor<f32>
  %zero = kiln.constant dense<0.0> : tensor<f32>
  %mask = kiln.select %above, %ninf, %zero : (tensor<160x160xi1>, tensor<f32>, tensor<f32>) -> tensor<160x160xf32>
  %s = kiln.matmul %q, %kt : (tensor<1x2x160x32xf32>, tensor<1x2x32x160xf32>) -> tensor<1x2x160x160xf32>
  %c = kiln.constant dense<0.25> : tensor<f32>
  %d = kiln.mul %s, %c : (tensor<1x2x160x160xf32>, tensor<f32>) -> tensor<1x2x160x160xf32>
  %a = kiln.add %d, %mask : (tensor<1x2x160x160xf32>, tensor<160x160xf32>) -> tensor<1x2x160x160xf32>
  %p = kiln.softmax %a axis = 3 : tensor<1x2x160x160xf32>
  %o = kiln.matmul %p, %v : (tensor<1x2x160x160xf32>, tensor<1x2x160x32xf32>) -> tensor<1x2x160x32xf32>
  return %o : tensor<1x2x160x32xf32>
}

// -----

// A padding-style mask given as an input, one row of 160 keys per batch index broadcast
// over the heads and the queries ([2, 1, 1, 160]), added before a division by a scalar
// (which then scales the mask too) and on the left of the add.
func.func @attention_padding_mask(%q: tensor<2x2x160x16xf32>, %kt: tensor<2x2x16x160xf32>, %v: tensor<2x2x160x16xf32>, %m: tensor<2x1x1x160xf32>) -> tensor<2x2x160x16xf32> {
  %s = kiln.matmul %q, %kt : (tensor<2x2x160x16xf32>, tensor<2x2x16x160xf32>) -> tensor<2x2x160x160xf32>
  %a = kiln.add %m, %s : (tensor<2x1x1x160xf32>, tensor<2x2x160x160xf32>) -> tensor<2x2x160x160xf32>
  %c = kiln.constant dense<4.0> : tensor<f32>
  %d = kiln.div %a, %c : (tensor<2x2x160x160xf32>, tensor<f32>) -> tensor<2x2x160x160xf32>
  %p = kiln.softmax %d axis = 3 : tensor<2x2x160x160xf32>
  %o = kiln.matmul %p, %v : (tensor<2x2x160x160xf32>, tensor<2x2x160x16xf32>) -> tensor<2x2x160x16xf32>
  return %o : tensor<2x2x160x16xf32>
}
