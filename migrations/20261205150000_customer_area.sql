-- Issue 23 (R4.1.2): where an order's customer is, below its province: a prefecture-level city
-- or county-level district by its GB/T 2260 code (4 or 6 digits; '' when only the province is
-- known), so that territories naming cities or districts can be judged.
ALTER TABLE sales_order ADD COLUMN customer_area TEXT NOT NULL DEFAULT ''
    CHECK (customer_area = '' OR (length(customer_area) IN (4, 6) AND customer_area NOT GLOB '*[^0-9]*'));
