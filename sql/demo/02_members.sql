-- Demo members, all with password Demo@2026 (bcrypt, cost 10).
--   110000000001  non-practicing, photo on file, profile complete: downloads at once
--   110000000002  no photo (uploads one; reference photo in demo/photos/)
--   110000000003  photo on file, required field mobile empty
-- Photos are loaded from demo/photos/<member_no>.jpg by cicpa-admin load-demo.
INSERT INTO members (member_no, user_type, password_hash, photo_status, compare_attempts_used, created_at, updated_at) VALUES
  ('110000000001', 'non_practicing', '$2y$10$4BCzqqs.PSDr/PRQ8Mb4/uRe8QMdOwD6xoeO9AJ7uFxwxABNyaBnq', 'none', 0, 1767225600, 1767225600),
  ('110000000002', 'non_practicing', '$2y$10$4BCzqqs.PSDr/PRQ8Mb4/uRe8QMdOwD6xoeO9AJ7uFxwxABNyaBnq', 'none', 0, 1767225600, 1767225600),
  ('110000000003', 'non_practicing', '$2y$10$4BCzqqs.PSDr/PRQ8Mb4/uRe8QMdOwD6xoeO9AJ7uFxwxABNyaBnq', 'none', 0, 1767225600, 1767225600);
