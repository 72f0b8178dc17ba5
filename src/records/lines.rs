//! The order lines of a dataset, in the vectors their workbooks were read into.

use super::OrderLine;

/// Order lines indexed and iterated like one vector, in inbox order, but
/// kept in the vectors each workbook was read into: joining the workbooks of
/// an inbox moves those vectors instead of copying a million lines into a
/// new one (which took a sixth of a second and 160 MB at a million lines).
#[derive(Debug, Clone, Default)]
pub struct Lines {
    chunks: Vec<Vec<OrderLine>>,
    /// The index of each chunk's first line.
    starts: Vec<usize>,
    /// For every block of [`BLOCK`] lines, the chunk holding its first line:
    /// a line is found from there in a step or two, not by a search.
    blocks: Vec<u32>,
    len: usize,
}

/// Lines per entry of [`Lines::blocks`], as a shift.
const BLOCK: u32 = 10;

impl Lines {
    /// The number of lines.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no lines.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The line at `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<&OrderLine> {
        if i >= self.len {
            return None;
        }
        // The last chunk starting at or before `i`, from the one holding the
        // block's first line (an empty chunk shares its start with the next
        // one, so it is never the one found).
        let mut k = self.blocks[i >> BLOCK] as usize;
        while self.starts.get(k + 1).is_some_and(|&next| next <= i) {
            k += 1;
        }
        self.chunks[k].get(i - self.starts[k])
    }

    /// Appends a line to the last vector.
    pub fn push(&mut self, line: OrderLine) {
        self.last().push(line);
        self.len += 1;
        self.cover(self.chunks.len() - 1);
    }

    /// Removes the last line.
    pub fn pop(&mut self) -> Option<OrderLine> {
        while let Some(last) = self.chunks.last_mut() {
            if let Some(line) = last.pop() {
                self.len -= 1;
                self.blocks.truncate(self.len.div_ceil(1 << BLOCK));
                return Some(line);
            }
            // An empty last vector goes, so every start stays the count before it.
            self.chunks.pop();
            self.starts.pop();
        }
        None
    }

    /// Room for `n` more lines in the last vector.
    pub fn reserve(&mut self, n: usize) {
        self.last().reserve(n);
    }

    /// Moves every line of `other` to the end of these, without copying them.
    pub fn append(&mut self, other: &mut Lines) {
        for chunk in std::mem::take(&mut other.chunks) {
            if !chunk.is_empty() {
                self.starts.push(self.len);
                self.len += chunk.len();
                self.chunks.push(chunk);
                self.cover(self.chunks.len() - 1);
            }
        }
        other.starts.clear();
        other.blocks.clear();
        other.len = 0;
    }

    /// The lines in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &OrderLine> + Clone + '_ {
        self.chunks.iter().flatten()
    }

    /// The lines in order, to change.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut OrderLine> + '_ {
        self.chunks.iter_mut().flatten()
    }

    /// Points every block that starts below `len` and has no chunk yet at chunk `k`.
    fn cover(&mut self, k: usize) {
        while self.blocks.len() << BLOCK < self.len {
            self.blocks.push(k as u32);
        }
    }

    fn last(&mut self) -> &mut Vec<OrderLine> {
        if self.chunks.is_empty() {
            self.chunks.push(Vec::new());
            self.starts.push(0);
        }
        self.chunks.last_mut().expect("a vector was just made")
    }
}

impl std::ops::Index<usize> for Lines {
    type Output = OrderLine;

    fn index(&self, i: usize) -> &OrderLine {
        match self.get(i) {
            Some(line) => line,
            None => panic!("order line {i} of {}", self.len),
        }
    }
}

impl From<Vec<OrderLine>> for Lines {
    fn from(lines: Vec<OrderLine>) -> Self {
        let mut l = Lines::default();
        l.append(&mut Lines {
            len: lines.len(),
            starts: vec![0],
            blocks: Vec::new(),
            chunks: vec![lines],
        });
        l
    }
}

impl FromIterator<OrderLine> for Lines {
    fn from_iter<I: IntoIterator<Item = OrderLine>>(iter: I) -> Self {
        Lines::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'a> IntoIterator for &'a Lines {
    type Item = &'a OrderLine;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<OrderLine>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line told apart by its row.
    fn line(row: u32) -> OrderLine {
        OrderLine::sample(row)
    }

    #[derive(Debug, Clone)]
    enum Op {
        Push,
        Pop,
        Reserve(usize),
        /// Vectors of these lengths appended (some empty, some past a block).
        Append(Vec<usize>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => Just(Op::Push),
            2 => Just(Op::Pop),
            1 => (0usize..8).prop_map(Op::Reserve),
            3 => proptest::collection::vec(
                prop_oneof![Just(0usize), 1usize..5, 1000usize..2100],
                0..4
            )
            .prop_map(Op::Append),
        ]
    }

    proptest! {
        /// Whatever is pushed, popped and appended, the lines read back as
        /// one vector would hold them: by index and in order.
        #[test]
        fn lines_behave_as_one_vector(ops in proptest::collection::vec(op(), 0..24)) {
            let (mut lines, mut model) = (Lines::default(), Vec::<u32>::new());
            let mut next = 0u32;
            let mut fresh = |n: usize| -> Vec<u32> {
                let v = (next..next + n as u32).collect();
                next += n as u32;
                v
            };
            for op in ops {
                match op {
                    Op::Push => {
                        let r = fresh(1)[0];
                        lines.push(line(r));
                        model.push(r);
                    }
                    Op::Pop => {
                        prop_assert_eq!(lines.pop().map(|l| l.origin.row), model.pop());
                    }
                    Op::Reserve(n) => lines.reserve(n),
                    Op::Append(lens) => {
                        let mut other = Lines::default();
                        for n in lens {
                            let rows = fresh(n);
                            model.extend(&rows);
                            other.append(&mut Lines::from(rows.into_iter().map(line).collect::<Vec<_>>()));
                        }
                        lines.append(&mut other);
                        prop_assert!(other.is_empty());
                    }
                }
                prop_assert_eq!(lines.len(), model.len());
                for (i, &row) in model.iter().enumerate() {
                    prop_assert_eq!(lines[i].origin.row, row);
                }
                prop_assert!(lines.get(model.len()).is_none());
            }
            let rows: Vec<u32> = lines.iter().map(|l| l.origin.row).collect();
            prop_assert_eq!(&rows, &model);
        }
    }
}
